using ActorFarm.Protocol;
using Spectre.Console;

namespace ActorFarm.Cli.Output;

public enum ProgressMode
{
    /// <summary>A live bar on a terminal, plain lines otherwise.</summary>
    Auto,
    Bar,
    Plain,
    None,
}

/// <summary>
/// Shows the progress of running jobs until they all end: a live bar per job on a terminal,
/// a plain line per job every few seconds otherwise (logs, CI, SLURM output files).
/// </summary>
internal static class ProgressView
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static Task ShowAsync(ProgressMode mode, Func<IReadOnlyList<JobStatusReport>> current, Task allEnded, CancellationToken ct)
    {
        if (mode == ProgressMode.Auto)
            mode = Terminal.IsInteractive ? ProgressMode.Bar : ProgressMode.Plain;
        return mode switch
        {
            ProgressMode.Bar => BarAsync(current, allEnded, ct),
            ProgressMode.Plain => PlainAsync(current, allEnded, ct),
            _ => allEnded.WaitAsync(ct),
        };
    }

    private static async Task BarAsync(Func<IReadOnlyList<JobStatusReport>> current, Task allEnded, CancellationToken ct)
    {
        var meters = new Dictionary<string, RateMeter>();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async ctx =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                while (true)
                {
                    foreach (var job in current())
                    {
                        if (!bars.TryGetValue(job.JobId, out var bar))
                            bars[job.JobId] = bar = ctx.AddTask(job.Name, maxValue: Math.Max(1, job.Total));
                        bar.Value = job.Done;
                        bar.Description = Markup.Escape(Line(job, Meter(meters, job)));
                    }
                    if (allEnded.IsCompleted) break;
                    await Task.WhenAny(allEnded, Task.Delay(250, ct));
                    ct.ThrowIfCancellationRequested();
                }
            });
    }

    private static async Task PlainAsync(Func<IReadOnlyList<JobStatusReport>> current, Task allEnded, CancellationToken ct)
    {
        var meters = new Dictionary<string, RateMeter>();
        // A first sample now, so the first line (after one interval) already has a rate.
        foreach (var job in current()) Meter(meters, job);
        while (!allEnded.IsCompleted)
        {
            await Task.WhenAny(allEnded, Task.Delay(PlainInterval, ct));
            ct.ThrowIfCancellationRequested();
            foreach (var job in current())
                Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] " + Line(job, Meter(meters, job)));
        }
    }

    private static RateMeter Meter(Dictionary<string, RateMeter> meters, JobStatusReport job)
    {
        if (!meters.TryGetValue(job.JobId, out var meter))
            meters[job.JobId] = meter = new RateMeter();
        meter.Sample(job.Done, DateTime.UtcNow);
        return meter;
    }

    internal static string Line(JobStatusReport job, RateMeter meter)
    {
        var rate = meter.PerSecond;
        var eta = JobEta.Estimate(job.Pending, job.Running, job.MeanTaskDuration, rate, RateMeter.Window) is { } left
            ? $" eta {JobEta.Format(left)}" : "";
        return $"{job.Name}: {job.Done:N0}/{job.Total:N0} done, {job.Failed:N0} failed, {job.Running:N0} running, {rate ?? 0:N0}/s{eta}";
    }
}
