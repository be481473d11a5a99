
namespace ActorFarm.IntegrationTests.Security;

/// <summary>
/// Another user of the same machine (a shared login node) tries the farms one user started the
/// way the README says: an embedded <c>actorfarm run</c>, and a cluster on loopback. They find
/// the ports as anyone can (<c>ss -ltn</c>), and try to submit a job of their own and to join as a
/// node: with plain TCP, with an access file of their own, and with the farm's file, which they
/// cannot read. None of it gets in, and none of their commands runs.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OtherUserTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [OtherUserFact]
    public async Task Another_user_can_neither_submit_to_nor_join_an_embedded_run_or_a_loopback_cluster()
    {
        using var other = new OtherUser();
        using var dir = new TempDirectory("actorfarm-mine");
        // As a home directory often is: others may look inside, not write.
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);

        // Mine: an embedded run whose tasks wait for a gate, and a loopback cluster.
        var gate = dir.File("gate");
        var started = Directory.CreateDirectory(dir.File("started")).FullName;
        var gated = dir.File("gated.hocon");
        await File.WriteAllTextAsync(gated, $$"""
            jobs { gated {
              command = ["/bin/sh", "-c", "touch {{started}}/$0; while [ ! -e {{gate}} ]; do sleep 0.1; done", "${index}"]
              sweep { i = { from = 1, to = 4 } }
              output { directory = "out", capture = none }
            } }
            """);
        await using var run = ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["run", "--manifest", gated, "--state-dir", dir.File("state"), "--slots", "2", "--progress", "none"], dir.Path, label: "my run");
        await using var cluster = await LocalCluster.StartAsync();
        File.SetUnixFileMode(cluster.Directory.Path, (UnixFileMode)0b111_101_101);
        var node = cluster.StartNode("n1", "coordinator,worker", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(node);
        await Waiting.UntilAsync(() => Directory.GetFiles(started).Length > 0 || run.HasExited, Limit);
        Assert.False(run.HasExited, run.Tail());
        var runPorts = ListeningPorts.Of(run.Pid);
        Assert.NotEmpty(runPorts);

        // Theirs: a job that would leave a mark, their own access file.
        var markers = other.File("markers");
        var intruding = other.File("intruder.hocon");
        await File.WriteAllTextAsync(intruding, $$"""
            jobs { intruder { command = ["/bin/sh", "-c", "mkdir -p {{markers}}; touch {{markers}}/$0", "${index}"], sweep { i = [1, 2, 3] } } }
            """);
        File.SetUnixFileMode(intruding, (UnixFileMode)0b110_100_100);
        var ownAccess = await other.RunCliAsync(Limit, "access");
        Assert.True(ownAccess.ExitCode == 0, ownAccess.ToString());

        // A plain submit to a TLS port gets no answer and gives up after the client's connect
        // timeout (30 s by default; 10 s here, as a user may set it). That wait is also the
        // window the intruding nodes have to get in, so it stays well above a join's few seconds.
        var timeouts = ClientTimeouts.Write(other.Home, connect: TimeSpan.FromSeconds(10));
        var attempts = new List<(string What, Task<RunResult> Run, int Expected)>();
        var nodes = new List<ChildProcess>();
        foreach (var target in runPorts.Select(p => $"127.0.0.1:{p}").Append(cluster.Seed))
        {
            attempts.Add(($"plain submit to {target}", other.RunCliAsync(Limit, "submit", "--manifest", intruding, "--cluster", target, "--insecure", "--config", timeouts), 3));
            attempts.Add(($"submit with their own file to {target}", other.RunCliAsync(Limit, "submit", "--manifest", intruding, "--cluster", target), 3));
            nodes.Add(other.StartCli($"their plain node at {target}", "node", "--seeds", target, "--roles", "worker", "--insecure"));
            nodes.Add(other.StartCli($"their node at {target}", "node", "--seeds", target, "--roles", "worker", "--state-dir", ".actorfarm"));
        }
        attempts.Add(("submit with my cluster's file", other.RunCliAsync(Limit,
            "submit", "--manifest", intruding, "--cluster", cluster.Seed, "--access-file", cluster.AccessFile), 2));

        try
        {
            foreach (var (what, attempt, expected) in attempts)
            {
                var (exit, stdout, stderr) = await attempt;
                Assert.True(exit == expected, $"{what}: exit {exit}\n{stdout}\n{stderr}");
            }
            var unreadable = await attempts[^1].Run;
            Assert.Equal($"actorfarm: access file {cluster.AccessFile} cannot be read by {OtherUser.Name}: only whoever started the farm may use it",
                unreadable.Stderr.Trim());
            foreach (var intruder in nodes)
                Assert.DoesNotContain(" up at ", intruder.Output);
        }
        finally
        {
            foreach (var intruder in nodes) await intruder.DisposeAsync();
        }

        // Nothing of theirs ran; mine finish, and the cluster still takes my jobs.
        Assert.False(Directory.Exists(markers) && Directory.GetFiles(markers).Length > 0, "a command of the other user ran");
        await File.WriteAllTextAsync(gate, "");
        Assert.Equal(0, await run.WaitForExitAsync(Limit));
        Assert.Equal(4, ResultsFile.Read(dir.File("out/gated/results.jsonl")).Count);
        var (exitCode, output) = await cluster.RunClientAsync(Limit, "submit", "--manifest", TestManifests.Sleep(cluster.Directory, "mine", 10, 0.01), "--wait");
        Assert.True(exitCode == 0, output);
        Assert.Equal(2, cluster.Lighthouse.Output.Split('\n').Count(l => l.Contains("is JOINING")));
    }
}
