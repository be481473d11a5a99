using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Parts;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Scaling;

/// <summary>
/// The farm as separate node processes on loopback (<see cref="LoopbackCluster"/>) with the
/// in-process sleep handler, the job submitted by <c>actorfarm submit --wait --json</c>.
/// Start-up: from launching the Lighthouse until a task has run on every node (the first
/// start per node in the results file). Makespan: from the first task's start until the
/// submit command prints its summary (every result journaled, results file written).
/// </summary>
public sealed class ClusterFarmBackend(PerfOptions options, IReadOnlyList<int> nodeCounts) : IScalingBackend
{
    public string System => "ActorFarm cluster, sleep handler";

    public int MaxSlots => 16_384;

    public IReadOnlyList<int> NodeCounts => nodeCounts;

    private string LighthouseDll => LighthousePath(options);

    /// <summary>The Lighthouse beside the harness (built or published with it), else the checkout's Release build.</summary>
    public static string LighthousePath(PerfOptions options) => ResumePart.BesideHarness("ActorFarm.Lighthouse.dll")
        ?? Path.Combine(options.RepositoryRoot, "lighthouse", "bin", "Release", "net10.0", "ActorFarm.Lighthouse.dll");

    public string? Unavailable() =>
        File.Exists(LighthouseDll) && File.Exists(ResumePart.CliPath(options))
            ? null
            : $"{LighthouseDll} is not built: dotnet build ActorFarm.sln -c Release";

    public async Task<ScalingPoint> RunAsync(DurationPlan plan, int nodes, string workDirectory, CancellationToken cancellationToken)
    {
        var durations = plan.WriteFile(workDirectory);
        var manifest = BenchmarkManifests.Write(workDirectory, BenchmarkManifests.SleepHandler("weak", durations));
        var timeout = TimeSpan.FromSeconds(120 + plan.IdealSeconds * 4);
        var cli = ResumePart.CliPath(options);

        using var cluster = await LoopbackCluster.StartAsync(LighthouseDll, cli, nodes, plan.Slots, workDirectory,
            TimeSpan.FromSeconds(90), cancellationToken);
        using var submit = ChildProcess.StartDotnet(cli,
            ["submit", "--manifest", manifest, "--cluster", $"127.0.0.1:{cluster.SeedPort}", "--wait", "--json", "--progress", "none"],
            workDirectory);
        var summaryAt = (await submit.WaitForLineAsync(l => l.Contains("\"summary\"", StringComparison.Ordinal), timeout, cancellationToken)).At;
        await submit.WaitForSuccessAsync(TimeSpan.FromSeconds(60), cancellationToken);

        var results = ResultsFileScan.Summarize(Path.Combine(workDirectory, "out", "weak", "results.jsonl"));
        if (results.Rows != plan.Tasks)
            throw new InvalidOperationException($"{results.Rows} results for {plan.Tasks} tasks");
        var missing = Enumerable.Range(0, nodes).Select(LoopbackCluster.NodeName).Where(n => !results.FirstStartByNode.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"no task ran on {string.Join(", ", missing)}");
        var everyNodeRan = results.FirstStartByNode.Values.Max();
        return new ScalingPoint(System, nodes, plan.Slots, plan.Tasks, plan.NominalSeconds,
            StartupSeconds: (everyNodeRan - cluster.LaunchedAt).TotalSeconds,
            MakespanSeconds: (summaryAt - results.FirstStart).TotalSeconds,
            plan.IdealSeconds, plan.GreedyMakespanSeconds());
    }
}
