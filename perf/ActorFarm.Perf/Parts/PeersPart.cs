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

    /// <summary>Jobs run one after another by each farm process: the first on a fresh farm, the rest on a warm one.</summary>
    private const int JobsPerFarm = 4;

    public string Name => "peers";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var workloads = new (string Name, int Tasks)[] { ("noop", run.Smoke ? 200 : 5_000), ("true", run.Smoke ? 20 : 2_000) };
        var timeout = TimeSpan.FromMinutes(10);
        var table = new ResultsTable("peers-throughput", "system", "workload", "tasks", "workers", "tasks/s", "start-up (s)",
            "submit → accepted (s)", "note");
        var peerRuns = new Dictionary<(string Peer, string Workload), PeerResult>();
        var notes = new List<string>();
        var quiet = new Quietness();

        var farmRuns = new Dictionary<string, EmbeddedRun>();
        foreach (var (workload, tasks) in workloads)
        {
            PerfRun.Log($"peers: ActorFarm, {workload}, {tasks} tasks, {JobsPerFarm} jobs one after another");
            quiet.Begin();
            var dir = run.NewScratchDirectory("peers");
            var manifest = BenchmarkManifests.Write(dir, workload == "noop"
                ? BenchmarkManifests.Noop("noop", tasks)
                : BenchmarkManifests.Process("true", ["/bin/true"], tasks));
            var farm = await EmbeddedJobLauncher.RunAsync(manifest, Workers, dir, scanResults: true, timeout,
                jobs: JobsPerFarm, cancellationToken: cancellationToken);
            farmRuns[workload] = farm;
            var r = farm.Report;
            table.Add("ActorFarm (embedded), first job", workload, tasks, Workers, tasks / farm.SubmitToFinalSeconds, farm.StartupSeconds,
                (r.AcceptedAt - r.SubmittedAt).TotalSeconds, "submit → final status, results journaled; a fresh farm (`actorfarm run`)");
            var warm = Median(r.LaterJobs);
            table.Add($"ActorFarm (embedded), later job (median of {r.LaterJobs.Count})", workload, tasks, Workers,
                tasks / warm.SubmitToFinalSeconds, null, warm.SubmitToAcceptedSeconds,
                "submit → final status, results journaled; the same farm, after the first job");
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
                    peerRuns[(peer.Name, workload)] = result;
                    table.Add(peer.Name, workload, tasks, Workers, result.TasksPerSecond, result.StartupSeconds, null, "first submit → last result");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    table.Add(peer.Name, workload, tasks, Workers, null, null, null, "failed: " + e.Message.Split('\n')[0]);
                    notes.Add($"- **{peer.Name}** on {workload} failed:\n```\n{e.Message}\n```");
                }
                quiet.End();
            }
        }
        run.WriteCsv(table);
        AddChecks(run, workloads[0].Tasks, farmRuns["noop"], peerRuns);

        var section = run.Report.AddSection("4. Peers on the same workloads (2 workers)",
            "Each peer script in `perf/peers/` runs with Debian's `/usr/bin/python3` and starts its own workers (and broker, " +
            "for Celery). *tasks/s* counts from the first task handed over to the last result back in the submitter; *start-up* " +
            "from the launch of the script to the first task's start. The farm's rows are the embedded farm with every result " +
            "journaled: the *first job* row is the first job of a fresh farm process (what `actorfarm run` pays), the *later job* " +
            $"row the median of the {JobsPerFarm - 1} same-sized jobs submitted after it, one after another, to the same farm. " +
            "*Submit → accepted* is until the job is journaled and its entity answers. The peers' weak-scaling runs are in section 3.");
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

    /// <summary>Targets 2 and 5 of step 7: a small job's rate, cold and warm, and the start-up, against mpi4py's in this run.</summary>
    private static void AddChecks(PerfRun run, int tasks, EmbeddedRun farm, Dictionary<(string Peer, string Workload), PeerResult> peers)
    {
        var peer = PeerCatalog.Mpi4py;
        var coldRate = tasks / farm.SubmitToFinalSeconds;
        var warmRate = tasks / Median(farm.Report.LaterJobs).SubmitToFinalSeconds;
        var cold = $"no-op tasks/s, a {tasks:N0}-task job, first job of a fresh farm";
        var warm = $"no-op tasks/s, a {tasks:N0}-task job, later job on a warm farm";
        const string startup = "start-up: launch → first task";
        if (!peers.TryGetValue((peer.Name, "noop"), out var mpi))
        {
            var why = peer.Missing() ?? "its run failed (see section 4)";
            run.Report.Check(TargetCheck.PeerMissing(cold, coldRate, "tasks/s", "≥ 1.0× mpi4py", why));
            run.Report.Check(TargetCheck.PeerMissing(warm, warmRate, "tasks/s", "≥ 1.0× mpi4py", why));
            if (farm.StartupSeconds is { } s) run.Report.Check(TargetCheck.PeerMissing(startup, s, "s", "≤ 1.0× mpi4py", why));
            return;
        }
        run.Report.Check(TargetCheck.RateAgainst(cold, coldRate, peer.Name, mpi.TasksPerSecond, 1.0, "tasks/s"));
        run.Report.Check(TargetCheck.RateAgainst(warm, warmRate, peer.Name, mpi.TasksPerSecond, 1.0, "tasks/s"));
        if (farm.StartupSeconds is { } startupSeconds)
            run.Report.Check(TargetCheck.TimeAgainst(startup, startupSeconds, peer.Name, mpi.StartupSeconds));
    }

    private static JobInstants Median(IReadOnlyList<JobInstants> jobs) =>
        jobs.OrderBy(j => j.SubmitToFinalSeconds).ElementAt(jobs.Count / 2);
}
