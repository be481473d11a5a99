using System.Diagnostics;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Peers;

/// <summary>
/// The classic ways to run a command N times two at a time: <c>xargs -P 2</c> and GNU
/// <c>parallel -j 2</c>. Timed from launch to exit: they have no start-up worth separating.
/// </summary>
public static class ShellBaselines
{
    public sealed record Baseline(string Name, string Command, string? MissingHint);

    public static Baseline Xargs(int tasks, int jobs, string program) =>
        new("xargs -P " + jobs, $"seq {tasks} | xargs -P {jobs} -n 1 {program}", MissingHint("xargs", "findutils"));

    public static Baseline GnuParallel(int tasks, int jobs, string program) =>
        new("GNU parallel -j " + jobs, $"seq {tasks} | parallel --will-cite -j {jobs} {program}", MissingHint("parallel", "parallel"));

    /// <summary>Seconds from launch to exit.</summary>
    public static async Task<double> TimeAsync(Baseline baseline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var child = ChildProcess.Start("/bin/sh", ["-c", baseline.Command]);
        await child.WaitForSuccessAsync(timeout, cancellationToken);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Null when the program is on PATH, else how to install it.</summary>
    private static string? MissingHint(string program, string package) =>
        Executables.Find(program) is null ? $"`{program}` is not installed: apt-get install -y --no-install-recommends {package}" : null;
}
