namespace ActorFarm.IntegrationTests.Perf;

/// <summary>
/// The benchmark harness still runs: <c>ActorFarm.Perf --smoke --only noop</c> as a child process
/// (its dll is built next to the tests) must exit 0 and write its CSV. No timing is asserted —
/// the figures of a smoke run mean nothing.
/// </summary>
public class PerfSmokeTests
{
    [Fact]
    public async Task Smoke_run_of_the_harness_exits_0_and_writes_its_csv()
    {
        using var output = new TempDirectory("actorfarm-perf-smoke");
        var perf = await ChildProcess.RunAsync("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ActorFarm.Perf.dll"), "--smoke", "--only", "noop", "--out", output.Path], TimeSpan.FromMinutes(2));

        Assert.True(perf.ExitCode == 0, $"exit {perf.ExitCode}\n{perf.Stdout}\n{perf.Stderr}");
        var csv = Path.Combine(output.Path, "results", "noop-throughput.csv");
        Assert.True(File.Exists(csv), $"no {csv}\n{perf.Stdout}");
        Assert.Equal(2, File.ReadAllLines(csv).Length); // header + one run
        Assert.True(File.Exists(Path.Combine(output.Path, "RESULTS.md")));
    }
}
