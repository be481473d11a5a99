using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Node;

/// <summary>
/// Everything a node holds about one job: its spec, how much to prefetch, the task request in
/// flight, finished results waiting to be sent and sent batches waiting to be acknowledged. The
/// rules that concern this job alone live here, as plain code tested without an actor system;
/// the <see cref="NodeSupervisor"/> keeps one per job and does the messaging.
/// </summary>
/// <remarks>
/// The supervisor creates one when the directory lists the job, when a batch of its tasks
/// arrives, or when a result of it is to be sent (a task that ended after the job was
/// forgotten). It removes one only when the directory's list no longer names the job: at once
/// if the job had a spec (the job ended: its running tasks are stopped, its results sent one
/// last time, its unacknowledged batches and held tasks dropped), otherwise once it holds
/// nothing (see <see cref="HoldsNothing"/>), so results of a forgotten job still wait for
/// their acknowledgement.
/// </remarks>
internal sealed class NodeJob(string id, int maxPrefetchPerSlot)
{
    // Finished results not sent yet, and their estimated wire bytes (see WireLimits).
    private readonly List<TaskResult> _buffered = new();
    private long _bufferedBytes;
    // Result batches sent and not yet acknowledged as journaled, oldest first.
    private readonly List<SentBatch> _unacked = new();
    private long _lastBatchId;
    // Results whose text was cut: warned about once, counted after.
    private int _cuts;

    public string Id { get; } = id;

    /// <summary>The job's spec, once a batch brought it (until then requests ask for it).</summary>
    public JobSpec? Spec { get; set; }

    /// <summary>Named in the directory's latest <see cref="ActiveJobs"/>.</summary>
    public bool Listed { get; set; }

    /// <summary>The slots per task the directory listed the job with (<see cref="ActiveJob.Cpus"/>), for before the spec is known.</summary>
    public int ListedCpus { get; set; } = 1;

    /// <summary>Slots each task of the job takes on this node: the spec's, else what the directory said.</summary>
    public int Cpus => Spec?.SlotsPerTask ?? ListedCpus;

    /// <summary>The incarnation of the job entity our leases came from (see <see cref="ObserveIncarnation"/>).</summary>
    public string? Incarnation { get; private set; }

    public PrefetchPolicy Prefetch { get; } = new(maxPrefetchPerSlot);

    /// <summary>The task request sent and not answered yet: one per job at a time.</summary>
    public PendingRequest? Outstanding { get; set; }

    /// <summary>The job said it has nothing to lease now (until <see cref="TasksAvailable"/> or the next request timeout).</summary>
    public bool Exhausted { get; set; }

    /// <summary>Its tasks would outlast this node's scheduled leave: it is not asked again.</summary>
    public bool Unfit { get; set; }

    /// <summary>A worker crashed mid-task of this job: which task of a batch did is unknown, so they go one per worker from then on.</summary>
    public bool Unbatched { get; set; }

    /// <summary>
    /// Tasks handed to one worker at once. A task of several slots goes alone: a batch runs its
    /// tasks in turn on one worker, so it would hold the slots of them all for the time of each.
    /// </summary>
    public int BatchSize => Unbatched || Cpus > 1 ? 1 : Prefetch.BatchPerWorker;

    /// <summary>
    /// Tasks the node may hold per slot beyond those running, in tasks of this job. None for a job
    /// of several slots per task: a prefetched wide task would wait for k slots to free up while it
    /// could be running on another node, and its tasks are rarely short enough to need one.
    /// </summary>
    public int PrefetchPerSlot => Cpus > 1 ? 0 : Prefetch.PrefetchPerSlot;

    public IReadOnlyList<TaskResult> Buffered => _buffered;

    public IReadOnlyList<SentBatch> Unacked => _unacked;

    /// <summary>Nothing waits here: no result to send, no batch to be acknowledged, no request to be answered.</summary>
    public bool HoldsNothing => _buffered.Count == 0 && _unacked.Count == 0 && Outstanding is null;

    /// <summary>
    /// Notes the incarnation a message of the job carried. True when it changed: the job's entity
    /// started a new life that does not know our leases (the caller re-attaches them). A request
    /// sent to the old life may never be answered, so it is forgotten.
    /// </summary>
    public bool ObserveIncarnation(string incarnation)
    {
        if (incarnation.Length == 0) return false; // the directory does not know it yet
        if (Incarnation is null || Incarnation == incarnation)
        {
            Incarnation = incarnation;
            return false;
        }
        Incarnation = incarnation;
        Outstanding = null;
        return true;
    }

    /// <summary>The request was lost on the way if unanswered since before <paramref name="cutoff"/>: it is forgotten (and asked again).</summary>
    public void ExpireRequest(DateTime cutoff)
    {
        if (Outstanding is { } pending && pending.SentAt < cutoff) Outstanding = null;
    }

    /// <summary>Learns the length of the job's tasks; a returned or crashed attempt says nothing about it.</summary>
    public void Observe(TaskResult result)
    {
        if (result.Outcome is not (TaskOutcome.Returned or TaskOutcome.WorkerCrashed))
            Prefetch.Observe(result.Ended - result.Started);
    }

    /// <summary>
    /// <paramref name="result"/> with its text cut to <paramref name="textLimit"/> bytes, how many
    /// bytes were cut, and whether this is the job's first cut (the one worth a warning).
    /// </summary>
    public (TaskResult Result, long Cut, bool First) Bound(TaskResult result, long textLimit)
    {
        var (bounded, cut) = ResultBatching.Truncate(result, textLimit);
        if (cut == 0) return (result, 0, false);
        return (bounded, cut, ++_cuts == 1);
    }

    /// <summary>Keeps a finished result to send; true when the buffer is due (full by count or by bytes).</summary>
    public bool Buffer(TaskResult result, int maxCount, long budgetBytes)
    {
        _buffered.Add(result);
        _bufferedBytes += WireLimits.EstimateBytes(result);
        return _buffered.Count >= maxCount || _bufferedBytes >= budgetBytes;
    }

    /// <summary>
    /// Moves the buffered results into numbered batches, one when a message can carry them all,
    /// else as many as it takes; each is kept until acknowledged. Returns the new batches, to send.
    /// </summary>
    public IReadOnlyList<SentBatch> TakeBatches(int maxCount, long budgetBytes, DateTime now)
    {
        if (_buffered.Count == 0) return [];
        var groups = _bufferedBytes <= budgetBytes && _buffered.Count <= maxCount
            ? [_buffered.ToArray()]
            : ResultBatching.Split(_buffered, maxCount, budgetBytes);
        _buffered.Clear();
        _bufferedBytes = 0;
        var sent = new SentBatch[groups.Count];
        for (var i = 0; i < groups.Count; i++)
            _unacked.Add(sent[i] = new SentBatch(++_lastBatchId, groups[i], now));
        return sent;
    }

    /// <summary>The batches <paramref name="ack"/> names are journaled: forgotten. Others stay (one lost on the way is sent again).</summary>
    public void Acknowledge(ResultsAcknowledged ack) => _unacked.RemoveAll(b => ack.Covers(b.BatchId));

    /// <summary>Batches sent before <paramref name="overdue"/> and still unacknowledged, marked as sent again <paramref name="now"/>: to send again.</summary>
    public IReadOnlyList<SentBatch> TakeOverdue(DateTime overdue, DateTime now)
    {
        List<SentBatch>? again = null;
        for (var i = 0; i < _unacked.Count; i++)
            if (_unacked[i].SentAt < overdue)
                (again ??= new()).Add(_unacked[i] = _unacked[i] with { SentAt = now });
        return again ?? (IReadOnlyList<SentBatch>)[];
    }

    /// <summary>Every unacknowledged batch, marked as sent again <paramref name="now"/>: for a new life of the job, which may have journaled none.</summary>
    public IReadOnlyList<SentBatch> TakeAllUnacked(DateTime now)
    {
        for (var i = 0; i < _unacked.Count; i++)
            _unacked[i] = _unacked[i] with { SentAt = now };
        return _unacked.ToArray();
    }

    /// <summary>The leases of the results this job has not acknowledged: buffered ones, then sent ones, oldest first.</summary>
    public IEnumerable<TaskLease> FinishedLeases()
    {
        foreach (var result in _buffered) yield return new TaskLease(result.Index, result.Attempt);
        foreach (var batch in _unacked)
            foreach (var result in batch.Results) yield return new TaskLease(result.Index, result.Attempt);
    }

    /// <summary>The slots the tasks asked for in the request in flight will take.</summary>
    public int OutstandingSlots => (Outstanding?.Credits ?? 0) * Cpus;

    /// <summary>Results sent and not acknowledged.</summary>
    public int UnackedResults => _unacked.Sum(b => b.Results.Length);

    /// <summary>A task request in flight: how many tasks it asked for, and when.</summary>
    public readonly record struct PendingRequest(int Credits, DateTime SentAt);

    /// <summary>A result batch sent (last sent at <paramref name="SentAt"/>) and not yet acknowledged.</summary>
    public readonly record struct SentBatch(long BatchId, TaskResult[] Results, DateTime SentAt);
}
