using ActorFarm.IntegrationTests.Slurm;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// <c>slurm/actorfarm-server.sh</c>, the long-lived farm of a login node: start brings up the
/// Lighthouse and the coordinator in the background and says where, accepts jobs, brings back a
/// coordinator that died without touching the Lighthouse, and stop takes both down.
/// </summary>
public class ServerScriptTests
{
    private static readonly string Script = RepositoryRoot.Combine("slurm", "actorfarm-server.sh");

    [Fact]
    public async Task The_server_script_starts_the_farm_restarts_a_dead_coordinator_and_stops_it()
    {
        using var dir = new TempDirectory("actorfarm-server");
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ACTORFARM_HOST"] = "127.0.0.1",
            ["ACTORFARM_PORT"] = port.ToString(),
            ["ACTORFARM_CLI"] = FarmPrograms.CliPath,
            ["ACTORFARM_LIGHTHOUSE"] = FarmPrograms.LighthousePath,
        };
        try
        {
            var started = await Run("start");
            Assert.Contains($"farm up at 127.0.0.1:{port}", started);
            var lighthouse = await File.ReadAllTextAsync(dir.File(".actorfarm/server/lighthouse.pid"));

            var manifest = TestManifests.CountedRuns(dir, "quick", 4, 0, out _);
            var submit = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2),
                "submit", "--manifest", manifest, "--cluster", $"127.0.0.1:{port}", "--json");
            Assert.True(submit.ExitCode == 0, $"{submit.Stdout}\n{submit.Stderr}");

            // The coordinator dies; start brings back only what is missing.
            var coordinator = int.Parse(await File.ReadAllTextAsync(dir.File(".actorfarm/server/coordinator.pid")));
            System.Diagnostics.Process.GetProcessById(coordinator).Kill();
            // A signal takes effect a moment later: status says so once the process is gone.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await Run("status")).Contains("coordinator: not running"))
            {
                Assert.True(DateTime.UtcNow < deadline, "the killed coordinator still counts as running");
                await Task.Delay(200);
            }
            Assert.Contains($"farm up at 127.0.0.1:{port}", await Run("start"));
            Assert.Equal(lighthouse, await File.ReadAllTextAsync(dir.File(".actorfarm/server/lighthouse.pid")));
            var status = await Run("status");
            Assert.Contains("lighthouse: running", status);
            Assert.Contains("coordinator: running", status);
            var list = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2), "status", "--cluster", $"127.0.0.1:{port}");
            Assert.True(list.ExitCode == 0 && list.Stdout.Contains("quick"), $"{list.Stdout}\n{list.Stderr}");

            Assert.Contains("farm stopped", await Run("stop"));
            Assert.Contains("lighthouse: not running", await Run("status"));
        }
        finally
        {
            await ChildProcess.RunAsync(Script, ["stop"], TimeSpan.FromMinutes(2), dir.Path, environment);
        }

        async Task<string> Run(string command)
        {
            var result = await ChildProcess.RunAsync(Script, [command], TimeSpan.FromMinutes(3), dir.Path, environment);
            Assert.True(result.ExitCode == 0, result.Describe("actorfarm-server.sh " + command) +
                $"\n{ReadIfAny(dir.File(".actorfarm/server/lighthouse.log"))}\n{ReadIfAny(dir.File(".actorfarm/server/coordinator.log"))}");
            return result.Stdout;
        }
    }

    private static string ReadIfAny(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
