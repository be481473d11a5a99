namespace ActorFarm.Node;

/// <summary>
/// How many tasks a node holds beyond its free slots, per job, from the durations it has seen.
/// Prefetch hides the round trip to the job for short tasks, but a prefetched task waits behind
/// a running one: with long tasks that would leave other nodes idle at the end of the job (the
/// static pre-split problem). So long tasks get none and sub-millisecond tasks many.
/// </summary>
internal sealed class PrefetchPolicy(int maxPerSlot)
{
    /// <summary>Queue time per slot worth holding: above this a task is "long".</summary>
    private static readonly double TargetQueueSeconds = 0.020;

    /// <summary>How long one worker's batch may run: short enough that no slot idles noticeably at a job's end.</summary>
    private static readonly double TargetBatchSeconds = 0.002;

    /// <summary>Most tasks handed to one worker at once.</summary>
    public const int MaxBatch = 32;

    private double _meanSeconds = double.NaN;

    public void Observe(TimeSpan duration)
    {
        var seconds = Math.Max(duration.TotalSeconds, 1e-7);
        // Exponential moving average: follows a job whose tasks change length over the sweep.
        _meanSeconds = double.IsNaN(_meanSeconds) ? seconds : 0.9 * _meanSeconds + 0.1 * seconds;
    }

    /// <summary>
    /// Tasks handed to a worker in one message: one until durations are known and for anything
    /// over a millisecond; up to <see cref="MaxBatch"/> for tasks of microseconds, whose cost is
    /// otherwise the node-worker round trip itself.
    /// </summary>
    public int BatchPerWorker =>
        double.IsNaN(_meanSeconds) ? 1 : (int)Math.Clamp(Math.Floor(TargetBatchSeconds / _meanSeconds), 1, MaxBatch);

    public int PrefetchPerSlot =>
        double.IsNaN(_meanSeconds) ? 0 : (int)Math.Clamp(Math.Floor(TargetQueueSeconds / _meanSeconds), 0, maxPerSlot);
}
