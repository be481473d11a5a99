using System.Globalization;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Peers;

/// <summary>Runs one script of perf/peers with Debian's Python and reads its result line.</summary>
public static class PeerScripts
{
    /// <summary>Debian's interpreter: the one that sees apt-installed modules (the pyenv python3 on PATH does not).</summary>
    public const string Python = "/usr/bin/python3";

    public static string Directory(PerfOptions options) => Path.Combine(options.RepositoryRoot, "perf", "peers");

    /// <summary>A plain script (no launcher, no environment), e.g. the subprocess pool.</summary>
    public static Task<PeerResult> RunAsync(PerfOptions options, string script, string workload, int workers,
        int tasks, string? durationsFile, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(options, new PeerDefinition(script, script, [], [], "", new Dictionary<string, string>(), workers),
            workload, workers, tasks, durationsFile, timeout, cancellationToken);

    public static async Task<PeerResult> RunAsync(PerfOptions options, PeerDefinition peer, string workload, int workers,
        int tasks, string? durationsFile, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (program, args) = peer.Launcher(workers);
        args.AddRange(
        [
            Path.Combine(Directory(options), peer.Script), "--workload", workload,
            "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--tasks", tasks.ToString(CultureInfo.InvariantCulture),
        ]);
        if (durationsFile is not null) args.AddRange(["--durations", durationsFile]);
        using var child = ChildProcess.Start(program, args, Directory(options), peer.Environment);
        var code = await child.WaitForExitAsync(timeout, cancellationToken);
        if (code != 0) throw new InvalidOperationException($"{peer.Script} exited with {code}.\n{child.Tail()}");
        return PeerResult.Parse(child.Stdout, child.LaunchedAt);
    }
}
