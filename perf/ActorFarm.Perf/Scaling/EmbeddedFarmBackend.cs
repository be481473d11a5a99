using ActorFarm.Perf.Farm;

namespace ActorFarm.Perf.Scaling;

/// <summary>
/// The embedded single-process farm (one node with every role), in a fresh process per point,
/// running either the in-process <c>sleep</c> handler or a real <c>sleep</c> process per task.
/// </summary>
public sealed class EmbeddedFarmBackend(bool processes, int maxSlots) : IScalingBackend
{
    public string System => processes ? "ActorFarm embedded, sleep processes" : "ActorFarm embedded, sleep handler";

    public int MaxSlots => maxSlots;

    public IReadOnlyList<int> NodeCounts { get; } = [1];

    public string? Unavailable() => null;

    public async Task<ScalingPoint> RunAsync(DurationPlan plan, int nodes, string workDirectory, CancellationToken cancellationToken)
    {
        var durations = plan.WriteFile(workDirectory);
        var manifest = BenchmarkManifests.Write(workDirectory, processes
            ? BenchmarkManifests.SleepProcess("weak", durations)
            : BenchmarkManifests.SleepHandler("weak", durations));
        var timeout = TimeSpan.FromSeconds(120 + plan.IdealSeconds * 4);
        var run = await EmbeddedJobLauncher.RunAsync(manifest, plan.Slots, workDirectory, scanResults: true, timeout,
            cancellationToken: cancellationToken);
        var results = run.Report.Results ?? throw new InvalidOperationException("the probe did not scan its results");
        if (run.Report.Succeeded != plan.Tasks)
            throw new InvalidOperationException($"{run.Report.Succeeded} of {plan.Tasks} tasks succeeded");
        return new ScalingPoint(System, 1, plan.Slots, plan.Tasks, plan.NominalSeconds,
            StartupSeconds: (results.FirstStart - run.LaunchedAt).TotalSeconds,
            MakespanSeconds: (run.Report.FinalStatusAt - results.FirstStart).TotalSeconds,
            plan.IdealSeconds, plan.GreedyMakespanSeconds());
    }
}
