using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Peers;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 1: the farm's own overhead. In-process no-op tasks on an embedded farm with 2 slots,
/// every result journaled (SQLite, WAL) as in any real run; tasks per second from submit to the
/// final status, start-up reported apart.
/// </summary>
public sealed class NoopThroughputPart : IPerfPart
{
    /// <summary>Step 7, target 3: a million tasks, every result journaled, at twice mpi4py's rate (nothing journaled).</summary>
    public const double TargetRatioToMpi4py = 2.0;
    private const int Slots = 2;

    public string Name => "noop";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        long[] sizes = run.Smoke ? [2_000] : [100_000, 1_000_000];
        var table = new ResultsTable("noop-throughput",
            "tasks", "slots", "tasks/s", "submit→final (s)", "launch→runtime in Main (s)", "launch→cluster Up (s)",
            "launch→first task (s)", "last task end→final (s)", "submit→accepted (s)", "peak RSS (MB)", "process CPU (s)", "succeeded");
        var mpiTable = new ResultsTable("noop-mpi4py", "tasks", "workers", "tasks/s", "first submit → last result (s)", "start-up (s)");
        var quiet = new Quietness();
        foreach (var tasks in sizes)
        {
            PerfRun.Log($"noop: {tasks:N0} tasks on {Slots} slots");
            var dir = run.NewScratchDirectory("noop");
            var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("noop", tasks));
            quiet.Begin();
            var result = await EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: true,
                TimeSpan.FromMinutes(10), cancellationToken: cancellationToken);
            quiet.End();
            var r = result.Report;
            var rate = tasks / result.SubmitToFinalSeconds;
            table.Add(tasks, Slots, rate, result.SubmitToFinalSeconds, result.RuntimeSeconds, result.HostReadySeconds,
                result.StartupSeconds, r.Results is { } rs ? (r.FinalStatusAt - rs.LastEnd).TotalSeconds : null, (r.AcceptedAt - r.SubmittedAt).TotalSeconds, ProcessMemory.Megabytes(r.PeakRssBytes), r.CpuSeconds, r.Succeeded);
            await CompareWithMpi4pyAsync(run, tasks, rate, mpiTable, quiet, cancellationToken);
        }
        run.WriteCsv(table);
        run.WriteCsv(mpiTable);

        var section = run.Report.AddSection("1. No-op tasks per second (embedded farm, 2 slots, results journaled)",
            "Each row is a fresh process (`ActorFarm.Perf.dll run-job`) that starts the embedded farm through the public API " +
            "(`FarmHost.StartAsync`, the options `actorfarm run` uses), submits `handler = noop` over `{ from = 1, to = N }` with " +
            "`capture = none`, and watches it (`WatchAsync`) to its final status, i.e. until every result is journaled in SQLite " +
            "and the results file is written. **tasks/s = N / (submit → final status)**. Start-up is apart: *launch* is the instant " +
            "before the harness created the process; *first task* is the earliest `start` in the job's results file. *Last task end → final* is what follows the " +
            "last task: its journal write, the results export and the final push. *Process CPU* " +
            "is the CPU time (all threads) the farm process had used by the final status: well below 2 × (launch → final) on " +
            "2 cores means the farm was waiting, not computing.");
        section.Add(table, quiet);
        section.Add(mpiTable, quiet);
        section.Note("The second table is mpi4py's dynamic master/worker (`perf/peers/mpi_farm.py`, 2 worker ranks) on the same " +
                     "task counts, right after each farm run: its results stay in the master's memory, none is written anywhere.");
    }

    /// <summary>mpi4py at the same size in the same run: the peer step 7's target 3 is measured against.</summary>
    private static async Task CompareWithMpi4pyAsync(PerfRun run, long tasks, double farmRate, ResultsTable mpiTable, Quietness quiet,
        CancellationToken cancellationToken)
    {
        var peer = PeerCatalog.Mpi4py;
        var measure = $"no-op tasks/s, {tasks:N0} tasks, results journaled";
        var target = tasks >= 1_000_000 ? TargetRatioToMpi4py : 1.0;
        if (run.Smoke || peer.Missing() is not null)
        {
            run.Report.Check(TargetCheck.PeerMissing(measure, farmRate, "tasks/s", $"≥ {target:0.0}× mpi4py",
                run.Smoke ? "smoke run" : peer.Missing()!));
            return;
        }
        PerfRun.Log($"noop: mpi4py, {tasks:N0} tasks on {Slots} workers");
        quiet.Begin();
        var mpi = await PeerScripts.RunAsync(run.Options, peer, "noop", Slots, checked((int)tasks), null, TimeSpan.FromMinutes(10), cancellationToken);
        quiet.End();
        mpiTable.Add(tasks, Slots, mpi.TasksPerSecond, mpi.SubmitToDoneSeconds, mpi.StartupSeconds);
        run.Report.Check(TargetCheck.RateAgainst(measure, farmRate, peer.Name, mpi.TasksPerSecond, target, "tasks/s"));
    }
}
