using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Scaling;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Step 7, target 5 (second half): how soon a node that joins a running cluster takes tasks. A
/// Lighthouse and node 0 (coordinator and worker) run a job of short sleep-handler tasks; while it
/// runs, worker nodes are started one after another, and each one's launch → its first task's
/// start (from the job's results file) is the join time: the runtime's start, the cluster join,
/// the coordinator seeing its slots and the first dispatch.
/// </summary>
public sealed class NodeJoinPart : IPerfPart
{
    /// <summary>A joining node takes tasks within this long of its process starting.</summary>
    public const double TargetSeconds = 1.0;

    private const int SlotsPerNode = 2;

    public string Name => "join";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var joins = run.Smoke ? 1 : 3;
        // Long enough to outlast every join at the slowest start seen here (~5 s a node on 2 busy cores).
        var (tasks, seconds) = run.Smoke ? (200, 0.05) : (2_000, 0.1);
        var dir = run.NewScratchDirectory("join");
        var durations = Path.Combine(dir, "durations.txt");
        await File.WriteAllLinesAsync(durations, Enumerable.Repeat(BenchmarkManifests.Invariant(seconds), tasks), cancellationToken);
        var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.SleepHandler("join", durations));
        var cli = ResumePart.CliPath(run.Options);
        var timeout = TimeSpan.FromSeconds(90);

        var quiet = new Quietness();
        quiet.Begin();
        using var cluster = await LoopbackCluster.StartAsync(ClusterFarmBackend.LighthousePath(run.Options), cli, 1, SlotsPerNode,
            dir, timeout, cancellationToken);
        using var submit = ChildProcess.StartDotnet(cli,
            ["submit", "--manifest", manifest, "--cluster", $"127.0.0.1:{cluster.SeedPort}", "--wait", "--json", "--progress", "none"], dir);
        await submit.WaitForLineAsync(l => l.Contains("\"submitted\"", StringComparison.Ordinal), timeout, cancellationToken);

        var joined = new List<(int Node, DateTimeOffset LaunchedAt, DateTimeOffset UpAt)>();
        for (var node = 1; node <= joins; node++)
        {
            PerfRun.Log($"join: node {node} joins the running job");
            var launchedAt = await cluster.AddNodeAsync(node, "worker", SlotsPerNode, timeout, cancellationToken);
            joined.Add((node, launchedAt, cluster.UpAt));
        }
        await submit.WaitForLineAsync(l => l.Contains("\"summary\"", StringComparison.Ordinal), TimeSpan.FromSeconds(tasks * seconds + 120), cancellationToken);
        await submit.WaitForSuccessAsync(TimeSpan.FromSeconds(60), cancellationToken);
        quiet.End();

        var results = ResultsFileScan.Summarize(Path.Combine(dir, "out", "join", "results.jsonl"));
        var table = new ResultsTable("node-join", "node", "launch → node-up line (s)", "launch → first task on it (s)", "tasks it ran");
        var slowest = 0.0;
        foreach (var (node, launchedAt, upAt) in joined)
        {
            var name = LoopbackCluster.NodeName(node);
            double? firstTask = results.FirstStartByNode.TryGetValue(name, out var first) ? (first - launchedAt).TotalSeconds : null;
            slowest = Math.Max(slowest, firstTask ?? double.PositiveInfinity);
            table.Add(name, (upAt - launchedAt).TotalSeconds, firstTask, results.RowsByNode.GetValueOrDefault(name));
        }
        run.WriteCsv(table);
        run.Report.Check(TargetCheck.Below($"a node joining a running job: its launch → its first task (slowest of {joins})",
            slowest, TargetSeconds, "s"));

        var section = run.Report.AddSection("3b. A node joining a running cluster",
            $"A Lighthouse and node 0 (coordinator and worker, {SlotsPerNode} slots) run {tasks:N0} sleep-handler tasks of {seconds} s; " +
            $"once the job is submitted, {joins} worker node(s) of {SlotsPerNode} slots are started one after another " +
            "(`actorfarm node --seeds …`, each up before the next). **Join time = the node's launch → the first task's start on it** " +
            "(the job's results file): the runtime's start, TLS and the cluster join, the coordinator seeing the node's slots and " +
            "the first dispatch. *Node-up line* is when the node printed that it is an Up member.");
        section.Add(table, quiet);
    }
}
