namespace ActorFarm.Protocol;

/// <summary>
/// The one rule for a running job's time left, shared by the CLI's progress lines and the
/// dashboard. Two estimates, each right where the other is wrong:
/// <list type="bullet">
/// <item>From the tasks' durations: the work left is the mean duration of the finished tasks
/// (<see cref="JobStatusReport.MeanTaskDuration"/>) times the tasks not started, plus half of it
/// for each running task (started at unknown times, so half done on average), shared by the
/// tasks running now. Right for long tasks, where the running tasks are the job's parallelism.
/// Wrong for short ones: a node holds leases of prefetched tasks it has not started, so
/// "running" overstates the parallelism many times over.</item>
/// <item>From the observed rate (finished tasks per second over a window): right when the window
/// spans many task durations. Wrong for tasks as long as the window or longer: a window in which
/// two 2-minute tasks happened to end promised the last ones in 20 seconds.</item>
/// </list>
/// So the durations decide once the mean task is longer than a quarter of the rate's window (2.5 s
/// for the CLI's 10 s; nodes prefetch nothing for tasks that long, so "running" is true), the
/// rate otherwise; before anything has finished there is no estimate (better none than a wrong one).
/// </summary>
internal static class JobEta
{
    // The rate is trusted when its window holds at least this many mean task durations.
    private const int DurationsPerWindow = 4;
    // Far beyond any job; keeps the arithmetic away from TimeSpan's overflow.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    /// <summary>
    /// The time left for a job with <paramref name="pending"/> tasks not started and
    /// <paramref name="running"/> running, or null when nothing tells it yet.
    /// <paramref name="tasksPerSecond"/> is the rate its caller observed over
    /// <paramref name="rateWindow"/> (null before it has two samples).
    /// </summary>
    public static TimeSpan? Estimate(long pending, long running, TimeSpan? meanTask, double? tasksPerSecond, TimeSpan rateWindow)
    {
        pending = Math.Max(0, pending);
        running = Math.Max(0, running);
        if (pending + running == 0) return TimeSpan.Zero;
        var fromDurations = FromDurations(pending, running, meanTask);
        var fromRate = tasksPerSecond is > 0d and var rate ? Capped((pending + running) / rate) : (TimeSpan?)null;
        var longTasks = meanTask is { } mean && mean * DurationsPerWindow > rateWindow;
        return longTasks ? fromDurations : fromRate;
    }

    private static TimeSpan? FromDurations(long pending, long running, TimeSpan? meanTask)
    {
        if (meanTask is not { } mean || running == 0) return null;
        return Capped((pending + running / 2.0) * mean.TotalSeconds / running);
    }

    private static TimeSpan Capped(double seconds) =>
        seconds >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);

    /// <summary>An ETA as people read it: h:mm:ss, the hours growing past a day ("30:00:00").</summary>
    public static string Format(TimeSpan eta) =>
        $"{(long)eta.TotalHours:00}:{eta.Minutes:00}:{eta.Seconds:00}";
}
