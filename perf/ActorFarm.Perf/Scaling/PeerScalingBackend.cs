using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Peers;

namespace ActorFarm.Perf.Scaling;

/// <summary>
/// A peer running the same durations, one worker per slot: with <c>time.sleep</c> in its workers,
/// or (workload <c>sleep-process</c>) a real <c>sleep</c> process per task.
/// </summary>
public sealed class PeerScalingBackend(PeerDefinition peer, PerfOptions options, string workload = "sleep") : IScalingBackend
{
    public string System => workload == "sleep" ? peer.Name : $"{peer.Name}, {workload} tasks";

    public int MaxSlots => peer.MaxScalingWorkers;

    public IReadOnlyList<int> NodeCounts { get; } = [1];

    public string? Unavailable() => peer.Missing();

    public async Task<ScalingPoint> RunAsync(DurationPlan plan, int nodes, string workDirectory, CancellationToken cancellationToken)
    {
        var durations = plan.WriteFile(workDirectory);
        var timeout = TimeSpan.FromSeconds(180 + plan.IdealSeconds * 4);
        var result = await PeerScripts.RunAsync(options, peer, workload, plan.Slots, plan.Tasks, durations, timeout, cancellationToken);
        return new ScalingPoint(System, 1, plan.Slots, plan.Tasks, plan.NominalSeconds,
            result.StartupSeconds, result.MakespanSeconds, plan.IdealSeconds, plan.GreedyMakespanSeconds());
    }
}
