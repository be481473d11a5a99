using System.Diagnostics;

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
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ActorFarm.Perf.dll"), "--smoke", "--only", "noop", "--out", output.Path })
            info.ArgumentList.Add(arg);

        using var perf = Process.Start(info)!;
        var stdout = perf.StandardOutput.ReadToEndAsync();
        var stderr = perf.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await perf.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            perf.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(perf.ExitCode == 0, $"exit {perf.ExitCode}\n{await stdout}\n{await stderr}");
        var csv = Path.Combine(output.Path, "results", "noop-throughput.csv");
        Assert.True(File.Exists(csv), $"no {csv}\n{await stdout}");
        Assert.Equal(2, File.ReadAllLines(csv).Length); // header + one run
        Assert.True(File.Exists(Path.Combine(output.Path, "RESULTS.md")));
    }
}
