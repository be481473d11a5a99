using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Peers;
using ActorFarm.Perf.Plots;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 2: one <c>/bin/true</c> process per task, N = 2,000, two at a time: the farm against
/// xargs -P 2, GNU parallel -j 2 and a Python thread pool running subprocess.run, in the same
/// run, in alternating rounds so a busy moment of the shared machine does not hit one of them only.
/// </summary>
public sealed class ProcessThroughputPart : IPerfPart
{
    private const int Slots = 2;
    private const string Program = "/bin/true";

    public string Name => "process";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var tasks = run.Smoke ? 40 : 2_000;
        var rounds = run.Smoke ? 1 : 3;
        var timeout = TimeSpan.FromMinutes(5);
        var table = new ResultsTable("process-throughput", "round", "runner", "tasks", "tasks/s", "timed span (s)", "start-up (s)", "note");
        var quiet = new Quietness();
        var farmRates = new List<double>();
        var poolRates = new List<double>();

        for (var round = 1; round <= rounds; round++)
        {
            PerfRun.Log($"process: round {round}/{rounds}, {tasks} × {Program}");
            quiet.Begin();

            var dir = run.NewScratchDirectory("true");
            var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Process("true", [Program], tasks));
            var farm = await EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: true, timeout, cancellationToken: cancellationToken);
            var farmRate = tasks / farm.SubmitToFinalSeconds;
            farmRates.Add(farmRate);
            table.Add(round, "ActorFarm (embedded, 2 slots)", tasks, farmRate, farm.SubmitToFinalSeconds, farm.StartupSeconds,
                "submit → final status; start-up = launch → first task");

            var pool = await PeerScripts.RunAsync(run.Options, "subprocess_pool.py", "true", Slots, tasks, null, timeout,
                cancellationToken: cancellationToken);
            poolRates.Add(pool.TasksPerSecond);
            table.Add(round, "Python ThreadPoolExecutor(2) + subprocess.run", tasks, pool.TasksPerSecond, pool.SubmitToDoneSeconds,
                pool.StartupSeconds, "first submit → last result; start-up = launch → first task");

            foreach (var baseline in new[] { ShellBaselines.Xargs(tasks, Slots, Program), ShellBaselines.GnuParallel(tasks, Slots, Program) })
            {
                if (baseline.MissingHint is { } hint)
                {
                    table.Add(round, baseline.Name, tasks, null, null, null, "skipped: " + hint);
                    continue;
                }
                var seconds = await ShellBaselines.TimeAsync(baseline, timeout, cancellationToken);
                table.Add(round, baseline.Name, tasks, tasks / seconds, seconds, null, "launch → exit");
            }
            quiet.End();
        }
        run.WriteCsv(table);

        var farmBest = farmRates.Max();
        var poolBest = poolRates.Max();
        var byRatio = farmRates.Zip(poolRates, (f, p) => (Farm: f, Pool: p)).OrderBy(r => r.Farm / r.Pool).ToList();
        var median = byRatio[byRatio.Count / 2];
        var ratio = median.Farm / median.Pool;
        run.Report.Check(TargetCheck.RateAgainst($"`/bin/true` tasks/s, {tasks:N0} tasks, 2 at a time (the round with the median ratio of {rounds})",
            median.Farm, "Python ThreadPoolExecutor(2) + subprocess.run", median.Pool, 1.0, "tasks/s"));

        var section = run.Report.AddSection($"2. `/bin/true` process tasks per second (N = {tasks:N0}, 2 at a time)",
            $"Every runner starts {tasks:N0} `/bin/true` processes, two at a time, on the same machine in the same round; rounds " +
            "alternate the runners. The farm's rate counts from submit to the final status (every result journaled, results file " +
            "written), like the Python pool's counts from its first submit to its last result; both start-ups are listed apart. " +
            "xargs and GNU parallel are timed from launch to exit.");
        section.Add(table, quiet);
        section.Note($"Best round: ActorFarm {farmBest:F0} tasks/s, Python pool {poolBest:F0} tasks/s. " +
                     $"Median farm/pool ratio over the rounds: {ratio:F2}×.");
        if (!run.Smoke)
        {
            var plot = ThroughputPlot.Write(run.Options.PlotsDirectory, "process-throughput.png",
                $"/bin/true tasks per second, N = {tasks:N0}, 2 at a time", table, "runner", "tasks/s");
            section.Plot(plot, "/bin/true tasks per second by runner");
        }
    }
}
