namespace ActorFarm.Protocol;

/// <summary>
/// Replies <see cref="JobInsight"/>: what a job's finished tasks took and its latest failures
/// (the dashboard's histogram and failures table). O(1) in the job's size to answer.
/// </summary>
internal sealed record GetJobInsight(string JobId) : IJobCommand;

/// <summary>
/// A job's task durations as a histogram and its latest final failures, newest first.
/// </summary>
public sealed record JobInsight(string JobId, DurationHistogram Durations, FailedTask[] RecentFailures) : IWireMessage;

/// <summary>
/// A task's final failure as results.jsonl has it: its parameters, how it ended, its attempts,
/// the error, and its output files where they were captured (null where there are none, e.g. a
/// process that did not start).
/// </summary>
public sealed record FailedTask(
    long Index,
    Dictionary<string, string> Parameters,
    TaskOutcome Outcome,
    int? ExitCode,
    int Attempts,
    string Node,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string? Error,
    string? Stdout,
    string? Stderr);

/// <summary>
/// How long a job's finished tasks ran (end − start of the final attempt): <paramref name="Counts"/>[i]
/// tasks took less than <see cref="UpperBoundSeconds"/>(i) and at least the bound before it;
/// the last bucket holds everything longer. Bounds double from 1 ms, so the histogram is fixed in
/// size whatever the job (1 ms … 2^26 ms ≈ 18.6 h, then one open bucket).
/// </summary>
public sealed record DurationHistogram(long[] Counts)
{
    /// <summary>Buckets: below 1 ms, [1, 2) ms, … [2^25, 2^26) ms, then 2^26 ms and more.</summary>
    public const int BucketCount = 28;

    /// <summary>An empty histogram.</summary>
    public static DurationHistogram Empty() => new(new long[BucketCount]);

    /// <summary>The exclusive upper bound of bucket <paramref name="bucket"/> in seconds (infinity for the last).</summary>
    public static double UpperBoundSeconds(int bucket) =>
        bucket >= BucketCount - 1 ? double.PositiveInfinity : Math.Pow(2, bucket) / 1000.0;

    /// <summary>The bucket of a duration.</summary>
    public static int BucketOf(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return ms < 1 ? 0 : Math.Min(BucketCount - 1, 1 + System.Numerics.BitOperations.Log2((ulong)ms));
    }

    /// <summary>Tasks counted.</summary>
    public long Total => Counts.Sum();
}
