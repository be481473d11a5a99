using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Plots;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 5a: resident memory of the farm process that coordinates a 1M-task job. The embedded
/// farm is coordinator, node and journal in one process (as `actorfarm run`), so its RSS bounds
/// the coordinator's. Peak = VmHWM read by the process itself at the final status; the harness
/// also samples VmRSS over time.
/// </summary>
public sealed class MemoryPart : IPerfPart
{
    public const double TargetMegabytes = 100;

    public string Name => "memory";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var tasks = run.Smoke ? 20_000L : 1_000_000L;
        PerfRun.Log($"memory: {tasks:N0} no-op tasks, RSS sampled every 100 ms");
        var quiet = new Quietness();
        quiet.Begin();
        var dir = run.NewScratchDirectory("memory");
        var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("memory", tasks));
        var result = await EmbeddedJobLauncher.RunAsync(manifest, 2, dir, scanResults: false, TimeSpan.FromMinutes(10),
            rssEvery: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
        quiet.End();

        var r = result.Report;
        var peak = ProcessMemory.Megabytes(r.PeakRssBytes);
        var timeline = new ResultsTable("memory-rss-timeline", "seconds since launch", "RSS (MB)");
        foreach (var sample in result.RssTimeline) timeline.Add(sample.Seconds, ProcessMemory.Megabytes(sample.RssBytes));
        run.WriteCsv(timeline);

        var atHostUp = RssAt(result, (r.HostStartedAt - result.LaunchedAt).TotalSeconds);
        var atAccepted = RssAt(result, (r.AcceptedAt - result.LaunchedAt).TotalSeconds);
        var table = new ResultsTable("memory",
            "tasks", "slots", "peak RSS (MB, VmHWM)", "RSS at cluster Up (MB)", "RSS at job accepted (MB)", "max sampled RSS (MB)", "samples");
        table.Add(tasks, 2, peak, atHostUp, atAccepted,
            result.RssTimeline.Count == 0 ? null : ProcessMemory.Megabytes(result.RssTimeline.Max(s => s.RssBytes)), result.RssTimeline.Count);
        run.WriteCsv(table);
        run.Report.Check(TargetCheck.Below($"peak RSS (VmHWM), a {tasks:N0}-task no-op job", peak, TargetMegabytes, "MB"));

        var section = run.Report.AddSection($"5a. Memory of a {tasks:N0}-task job",
            "A fresh embedded farm (coordinator, node and SQLite journal in one process, as `actorfarm run`) runs `handler = noop` " +
            $"over {tasks:N0} tasks on 2 slots. *Peak* is the process's own VmHWM at the final status; the harness samples VmRSS " +
            "every 100 ms (`results/memory-rss-timeline.csv`). *At cluster Up* is what the process holds before any job: the " +
            "floor set by the runtime, Akka and the journal.");
        section.Add(table, quiet);
        if (!run.Smoke && result.RssTimeline.Count > 1)
            section.Plot(RssPlot.Write(run.Options.PlotsDirectory, "memory-rss.png", result,
                $"RSS of the embedded farm during a {tasks:N0}-task no-op job"), "RSS over time");
    }

    /// <summary>The last sample at or before <paramref name="seconds"/> after launch.</summary>
    private static double? RssAt(EmbeddedRun run, double seconds)
    {
        var sample = run.RssTimeline.LastOrDefault(s => s.Seconds <= seconds);
        return sample.RssBytes == 0 ? null : ProcessMemory.Megabytes(sample.RssBytes);
    }
}
