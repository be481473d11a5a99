using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Peers;
using ActorFarm.Perf.Plots;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 4 (throughput half; the peers' weak scaling runs in <see cref="WeakScalingPart"/>): the
/// farm and each installed peer on the same two workloads with 2 workers — no-op function tasks
/// and one /bin/true process per task. A peer that is not installed is skipped with the command
/// that installs it.
/// </summary>
public sealed class PeersPart : IPerfPart
{
    private const int Workers = 2;

    public string Name => "peers";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var workloads = new (string Name, int Tasks)[] { ("noop", run.Smoke ? 200 : 5_000), ("true", run.Smoke ? 20 : 2_000) };
        var timeout = TimeSpan.FromMinutes(10);
        var table = new ResultsTable("peers-throughput", "system", "workload", "tasks", "workers", "tasks/s", "start-up (s)", "note");
        var notes = new List<string>();
        var quiet = new Quietness();

        foreach (var (workload, tasks) in workloads)
        {
            PerfRun.Log($"peers: ActorFarm, {workload}, {tasks} tasks");
            quiet.Begin();
            var dir = run.NewScratchDirectory("peers");
            var manifest = BenchmarkManifests.Write(dir, workload == "noop"
                ? BenchmarkManifests.Noop("noop", tasks)
                : BenchmarkManifests.Process("true", ["/bin/true"], tasks));
            var farm = await EmbeddedJobLauncher.RunAsync(manifest, Workers, dir, scanResults: true, timeout, cancellationToken: cancellationToken);
            table.Add("ActorFarm (embedded)", workload, tasks, Workers, tasks / farm.SubmitToFinalSeconds, farm.StartupSeconds,
                "submit → final status, results journaled");
            quiet.End();
        }

        foreach (var peer in PeerCatalog.All)
        {
            if (peer.Missing() is { } missing)
            {
                notes.Add($"- **{peer.Name}**: skipped — {missing}");
                continue;
            }
            foreach (var (workload, tasks) in workloads)
            {
                PerfRun.Log($"peers: {peer.Name}, {workload}, {tasks} tasks");
                quiet.Begin();
                try
                {
                    var result = await PeerScripts.RunAsync(run.Options, peer, workload, Workers, tasks, null, timeout, cancellationToken);
                    table.Add(peer.Name, workload, tasks, Workers, result.TasksPerSecond, result.StartupSeconds, "first submit → last result");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    table.Add(peer.Name, workload, tasks, Workers, null, null, "failed: " + e.Message.Split('\n')[0]);
                    notes.Add($"- **{peer.Name}** on {workload} failed:\n```\n{e.Message}\n```");
                }
                quiet.End();
            }
        }
        run.WriteCsv(table);

        var section = run.Report.AddSection("4. Peers on the same workloads (2 workers)",
            "Each peer script in `perf/peers/` runs with Debian's `/usr/bin/python3` and starts its own workers (and broker, " +
            "for Celery). *tasks/s* counts from the first task handed over to the last result back in the submitter; *start-up* " +
            "from the launch of the script to the first task's start. The farm's rows are the embedded farm with every result " +
            "journaled. The peers' weak-scaling runs are in section 3.");
        section.Add(table, quiet);
        foreach (var note in notes) section.Note(note);
        if (!run.Smoke)
        {
            foreach (var (workload, _) in workloads)
            {
                var only = new ResultsTable($"peers-{workload}", table.Columns.ToArray());
                foreach (var row in table.Rows.Where(r => r[1] == workload)) only.Add(row.Cast<object?>().ToArray());
                section.Plot(ThroughputPlot.Write(run.Options.PlotsDirectory, $"peers-{workload}.png",
                    $"{workload} tasks per second, 2 workers", only, "system", "tasks/s"), $"{workload} tasks per second by system");
            }
        }
    }
}
