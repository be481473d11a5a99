using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Coordinator;

/// <summary>
/// What a job entity keeps to show how its tasks went (<see cref="JobInsight"/>): a histogram of
/// the durations of its final results, their exact sum (the mean behind the ETA, <see cref="JobEta"/>;
/// the histogram's doubling buckets are too coarse for it) and its latest final failures. Fed by
/// every results event the entity applies, journaled or replayed, and kept in its snapshots, so it
/// is the same after a recovery. Fixed in size: <see cref="DurationHistogram.BucketCount"/>
/// counters, one sum and at most <see cref="MaxFailures"/> records, whatever the job.
/// </summary>
internal sealed class JobInsights
{
    public const int MaxFailures = 20;

    private readonly long[] _durations = new long[DurationHistogram.BucketCount];
    // Oldest first; the newest failure replaces the oldest once full.
    private readonly Queue<TaskRecord> _failures = new(MaxFailures);
    // The durations summed, and how many results the sum holds: fewer than the histogram after
    // a recovery from a snapshot written before the sum was kept.
    private long _durationTicks;
    private long _durationsSummed;

    public void Record(TaskRecord result)
    {
        var duration = result.Ended - result.Started;
        _durations[DurationHistogram.BucketOf(duration)]++;
        _durationTicks += Math.Max(0, duration.Ticks);
        _durationsSummed++;
        if (result.Outcome == TaskOutcome.Succeeded) return;
        if (_failures.Count == MaxFailures) _failures.Dequeue();
        _failures.Enqueue(result);
    }

    /// <summary>A rerun runs the failed tasks again: the failures shown are those still to come.</summary>
    public void ForgetFailures() => _failures.Clear();

    public long[] DurationCounts() => (long[])_durations.Clone();

    public TaskRecord[] Failures() => _failures.ToArray();

    /// <summary>The durations of the results recorded, summed (what a snapshot keeps).</summary>
    public long DurationTicks => _durationTicks;

    /// <summary>The mean duration of the final results recorded; null before the first.</summary>
    public TimeSpan? MeanDuration => _durationsSummed == 0 ? null : TimeSpan.FromTicks(_durationTicks / _durationsSummed);

    /// <summary>
    /// Restores what a snapshot kept (journals written before insights were kept have none: they
    /// start empty; snapshots written before the sum was kept have no sum: the mean is then taken
    /// over the results recorded after it).
    /// </summary>
    public void Restore(long[]? durations, TaskRecord[]? failures, long? durationTicks)
    {
        Array.Clear(_durations);
        _failures.Clear();
        if (durations is not null) Array.Copy(durations, _durations, Math.Min(durations.Length, _durations.Length));
        _durationTicks = durationTicks ?? 0;
        _durationsSummed = durationTicks is null ? 0 : _durations.Sum();
        foreach (var failure in (failures ?? []).TakeLast(MaxFailures)) _failures.Enqueue(failure);
    }

    /// <summary>The insight as clients read it: failures newest first, as result rows.</summary>
    public JobInsight ToInsight(string jobId, JobSpec? spec)
    {
        var rows = new List<FailedTask>(_failures.Count);
        if (spec is not null)
        {
            var jobDirectory = OutputLayout.JobDirectory(spec);
            foreach (var record in _failures.Reverse())
            {
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                Sweeps.ParametersAt(spec.Sweep, record.Index, parameters);
                var row = ResultRow.For(spec, jobDirectory, record, parameters);
                rows.Add(new FailedTask(record.Index, parameters, record.Outcome, record.ExitCode, record.Attempts, record.Node,
                    record.Started, record.Ended, record.Error, row.Stdout, row.Stderr));
            }
        }
        return new JobInsight(jobId, new DurationHistogram(DurationCounts()), rows.ToArray());
    }
}
