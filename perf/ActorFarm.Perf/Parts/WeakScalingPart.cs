using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Peers;
using ActorFarm.Perf.Plots;
using ActorFarm.Perf.Scaling;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 3 (and the peers' half of part 4): the seed paper's weak-scaling experiment scaled down
/// in time. At P slots, 10·P tasks of uniform(0.9·d, 1.1·d) seconds; efficiency = ideal /
/// makespan with ideal = Σd / P. Every system runs the same seeded durations at each point.
/// Systems: the embedded farm (sleep handler; sleep processes), the farm as several node
/// processes (the "nodes" dimension, once that build has them), and the peers that are installed.
/// </summary>
public sealed class WeakScalingPart : IPerfPart
{
    public const int TasksPerSlot = 10;
    /// <summary>Step 7, target 4: efficiency ÷ the greedy bound's efficiency, at every point.</summary>
    public const double TargetSchedulingEfficiency = 0.99;

    public string Name => "scaling";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var nominal = run.Options.TaskSeconds ?? (run.Smoke ? 0.05 : 1.0);
        var slotCounts = run.Options.Slots ?? (run.Smoke ? [2] : [1, 4, 16, 64, 256, 1024]);
        var backends = Backends(run);
        int[] clusterSlots = run.Options.Slots ?? (run.Smoke ? [2] : [8, 512, 4096, 16384]);

        var table = new ResultsTable("weak-scaling",
            "system", "nodes", "slots", "tasks", "d (s)", "ideal Σd/P (s)", "makespan (s)", "efficiency",
            "greedy-bound efficiency", "scheduling efficiency", "start-up (s)");
        var skipped = new List<string>();
        var points = new List<ScalingPoint>();
        var quiet = new Quietness();
        foreach (var backend in backends)
        {
            if (backend.Unavailable() is { } why)
            {
                skipped.Add($"- **{backend.System}**: skipped — {why}");
                PerfRun.Log($"scaling: {backend.System} skipped: {why}");
                continue;
            }
            foreach (var nodes in backend.NodeCounts)
            foreach (var slots in (backend is ClusterFarmBackend ? clusterSlots : slotCounts).Where(s => s <= backend.MaxSlots && s >= nodes && s % nodes == 0))
            {
                var plan = DurationPlan.Create(slots, TasksPerSlot, nominal, run.Options.Seed);
                PerfRun.Log($"scaling: {backend.System}, {nodes} node(s), {slots} slots, {plan.Tasks} tasks of ~{nominal} s");
                quiet.Begin();
                try
                {
                    var point = await backend.RunAsync(plan, nodes, run.NewScratchDirectory("scaling"), cancellationToken);
                    points.Add(point);
                    table.Add(point.System, point.Nodes, point.Slots, point.Tasks, point.NominalSeconds, point.IdealSeconds,
                        point.MakespanSeconds, point.Efficiency, point.GreedyBoundEfficiency, point.SchedulingEfficiency, point.StartupSeconds);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    table.Add(backend.System, nodes, slots, plan.Tasks, nominal, plan.IdealSeconds, null, null, null, null, null);
                    skipped.Add($"- **{backend.System}** at {nodes} node(s), {slots} slots failed: {FirstLine(e.Message)}");
                    PerfRun.Log($"scaling: FAILED: {e.Message}");
                }
                quiet.End();
            }
        }
        run.WriteCsv(table);
        AddChecks(run, points);

        var section = run.Report.AddSection("3. Weak scaling (the seed paper's experiment, scaled down in time)",
            $"At P slots the job has {TasksPerSlot}·P tasks whose durations are drawn uniform(0.9·d, 1.1·d) with d = {nominal} s " +
            $"(the paper: d = 30 s, 27–33 s), seeded ({run.Options.Seed}) per slot count, so every system runs the same durations. " +
            "**Efficiency = ideal / makespan**, with **ideal = Σd / P**: all the work spread evenly over the P slots with no " +
            "overhead (the paper's 10 × 30 s = 300 s at every core count). **Makespan** runs from the first task's start " +
            "to the moment the submitter holds every result (for the farm: the final status, after every result is journaled " +
            "and the results file written). **Start-up** is apart, as in the paper: from the launch of the first process to " +
            "the first task's start on every node (the farm's times come from its own results file). " +
            "The farm's cluster nodes are started one after the other, each up before the next: all share this machine's " +
            "cores, and nine .NET processes starting at once on two cores starve each other into false failure detection; " +
            "their start-up is therefore the sum of the nodes' start-ups, not what nodes with cores of their own would take. " +
            "*Greedy-bound efficiency* is ideal / the makespan of zero-overhead greedy dispatch in index order on the same " +
            "durations: with only 10 tasks per slot of ±10 % length, even a perfect dynamic scheduler ends a little after " +
            "the ideal, so this is the ceiling the definition allows at that point. **Scheduling efficiency = efficiency ÷ " +
            "greedy-bound efficiency**: the share of the reachable efficiency a system reached (1.0 = as good as zero-overhead " +
            "dispatch). The Python subprocess pool rows run the same real `sleep` processes as the farm's process rows, with as " +
            "many threads as slots.");
        section.Add(table, quiet);
        foreach (var line in skipped) section.Note(line);
        if (!run.Smoke && points.Count > 0)
        {
            section.Plot(ScalingPlots.Efficiency(run.Options.PlotsDirectory, points, nominal), "Efficiency vs slots");
            section.Plot(ScalingPlots.Startup(run.Options.PlotsDirectory, points), "Start-up vs slots");
            section.Plot(ScalingPlots.Makespan(run.Options.PlotsDirectory, points, nominal), "Makespan vs slots");
        }
    }

    private static List<IScalingBackend> Backends(PerfRun run)
    {
        var backends = new List<IScalingBackend>
        {
            new EmbeddedFarmBackend(processes: false, maxSlots: 1024),
            new EmbeddedFarmBackend(processes: true, maxSlots: 256),
            // The nodes dimension: 1, 2, 4, 8 node processes on loopback behind a Lighthouse.
            new ClusterFarmBackend(run.Options, run.Smoke ? [2] : [1, 2, 4, 8]),
        };
        // Peers need packages the smoke test must not require.
        if (!run.Smoke)
        {
            backends.AddRange(PeerCatalog.All.Select(p => (IScalingBackend)new PeerScalingBackend(p, run.Options)));
            // The same real `sleep` processes as the farm's process rows, up to the same 256: is a
            // loss there the machine's (process start-up on 2 cores) or the farm's?
            backends.Add(new PeerScalingBackend(PeerCatalog.SubprocessPool, run.Options, "sleep-process"));
        }
        return backends;
    }

    /// <summary>
    /// Step 7, target 4: the lowest scheduling efficiency (efficiency ÷ greedy bound) of each of the
    /// farm's systems, beside the peer doing the same work: real processes against the Python
    /// subprocess pool, the rest against mpi4py.
    /// </summary>
    private static void AddChecks(PerfRun run, List<ScalingPoint> points)
    {
        static ScalingPoint? Worst(IEnumerable<ScalingPoint> of) => of.MinBy(p => p.SchedulingEfficiency);
        foreach (var group in points.GroupBy(p => p.System).Where(g => g.Key.StartsWith("ActorFarm", StringComparison.Ordinal)))
        {
            var worst = Worst(group)!;
            var processes = group.Key.Contains("processes", StringComparison.Ordinal);
            var peerSystem = processes ? new PeerScalingBackend(PeerCatalog.SubprocessPool, run.Options, "sleep-process").System : PeerCatalog.Mpi4py.Name;
            var peerWorst = Worst(points.Where(p => p.System == peerSystem));
            var cluster = group.Key.Contains("cluster", StringComparison.Ordinal);
            var measure = $"scheduling efficiency, lowest point: {group.Key} ({worst.Slots:N0} slots" +
                          (cluster ? $" over {worst.Nodes} node process{(worst.Nodes == 1 ? "" : "es")}" : "") + ")";
            run.Report.Check(TargetCheck.AtLeast(measure, worst.SchedulingEfficiency, TargetSchedulingEfficiency, "",
                peerWorst is null ? null : $"{peerSystem}, lowest ({peerWorst.Slots} worker{(peerWorst.Slots == 1 ? "" : "s")})",
                peerWorst?.SchedulingEfficiency));
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
