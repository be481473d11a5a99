using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

/// <summary>
/// What a job knows about its tasks: which are journaled as final (a bitmap), which are leased
/// to which node, and which wait to run again. Never-issued tasks are not stored at all: they
/// are the indices at or past <see cref="_cursor"/> whose bit is clear. Memory is therefore
/// one bit per task plus one entry per task in flight or waiting for a retry.
/// A rerun (<see cref="Reopen"/>) clears the bits of the tasks it runs again and queues them with
/// their next attempt number: one queue entry per reopened task, nothing per other task.
/// Pure logic, no actor: the job entity drives it and owns persistence.
/// </summary>
internal sealed class TaskLedger
{
    private readonly CompletionBitmap _recorded;
    private readonly Dictionary<long, Lease> _leased = new();
    private readonly Queue<Pending> _ready = new();
    private readonly PriorityQueue<Pending, DateTimeOffset> _delayed = new();
    private long _cursor;
    // Set by Reopen: the tasks still to come are reruns, whose attempts do not start at 1.
    private bool _rerunning;
    // A rerun that resumes a stopped job issues fresh indices again from 0; the tasks it reopened
    // (their bits cleared, queued in _ready) are skipped once by the cursor, so none runs twice.
    private HashSet<long>? _queuedBeforeCursor;

    public TaskLedger(long total, CompletionBitmap? recorded = null)
    {
        Total = total;
        _recorded = recorded ?? new CompletionBitmap(total);
    }

    public long Total { get; }

    /// <summary>Tasks whose final result is journaled.</summary>
    public long Recorded => _recorded.SetCount;

    /// <summary>Tasks leased to nodes right now.</summary>
    public int Leased => _leased.Count;

    public CompletionBitmap Bitmap => _recorded;

    /// <summary>Whether a request for tasks would get at least one now.</summary>
    public bool HasRunnable => _ready.Count > 0 || _recorded.NextClear(_cursor) < Total;

    /// <summary>Leases up to <paramref name="max"/> tasks to <paramref name="node"/>: re-queued tasks first, then fresh ones.</summary>
    public void LeaseTo(IActorRef node, int max, List<TaskLease> into)
    {
        while (into.Count < max && _ready.TryDequeue(out var again))
        {
            // A re-attached node may have claimed it meanwhile.
            if (!_leased.ContainsKey(again.Index)) Grant(node, again, into);
        }

        while (into.Count < max)
        {
            var next = _recorded.NextClear(_cursor);
            if (next >= Total)
            {
                _cursor = Total;
                break;
            }
            _cursor = next + 1;
            if (_queuedBeforeCursor?.Remove(next) == true) continue;
            // Past the cursor only re-attached leases can be live (see Adopt).
            if (!_leased.ContainsKey(next)) Grant(node, new Pending(next, 1, 1), into);
        }
    }

    /// <summary>
    /// Takes over a lease granted by an earlier incarnation of the job (a node re-attaching after
    /// the coordinator crashed or moved). False when the task is already journaled or leased to
    /// another node: the node's result will then be stale and ignored.
    /// </summary>
    public bool Adopt(IActorRef node, TaskLease lease)
    {
        if (lease.Index < 0 || lease.Index >= Total || _recorded.IsSet(lease.Index) || _leased.ContainsKey(lease.Index))
            return false;
        // Where a rerun's attempts began is not on the wire: an adopted rerun lease counts from
        // its own attempt, so it gets at most the policy's attempts again, never fewer.
        _leased[lease.Index] = new Lease(node, lease.Attempt, _rerunning ? lease.Attempt : 1);
        return true;
    }

    private void Grant(IActorRef node, Pending task, List<TaskLease> into)
    {
        _leased[task.Index] = new Lease(node, task.Attempt, task.First);
        into.Add(new TaskLease(task.Index, task.Attempt));
    }

    /// <summary>
    /// Reopens finished tasks for a rerun: each one's bit is cleared and it is queued to run as
    /// the given attempt (its previous attempts + 1: attempts continue, they never start over).
    /// The retry policy applies afresh from that attempt. Fresh indices are never issued again,
    /// so only these tasks run; unless <paramref name="resumeUnrun"/> (the job was stopped by its
    /// max-fails): then the tasks that have no result at all run too, as fresh tasks (attempt 1),
    /// the cursor starting again from 0. Returns how many tasks will run.
    /// </summary>
    public long Reopen(IEnumerable<TaskLease> nextAttempts, bool resumeUnrun = false)
    {
        _cursor = Total;
        _rerunning = true;
        // Counted before the reopened bits are cleared: those are reopened, not unrun.
        long unrun = resumeUnrun ? Total - Recorded : 0;
        long reopened = 0;
        foreach (var task in nextAttempts)
        {
            if (task.Index < 0 || task.Index >= Total || _leased.ContainsKey(task.Index)) continue;
            _recorded.Clear(task.Index);
            _ready.Enqueue(new Pending(task.Index, task.Attempt, task.Attempt));
            if (resumeUnrun) (_queuedBeforeCursor ??= new()).Add(task.Index);
            reopened++;
        }
        if (resumeUnrun) _cursor = 0;
        return reopened + unrun;
    }

    /// <summary>
    /// Every task not yet final, with the attempts it has used: a leased task its running
    /// attempt, a queued one the attempt before the one it waits to run as. What a cancelled
    /// rerun records for the tasks it did not get to run again.
    /// </summary>
    public List<TaskLease> Outstanding()
    {
        var used = new Dictionary<long, int>();
        foreach (var (index, lease) in _leased) used[index] = lease.Attempt;
        foreach (var task in _ready) used.TryAdd(task.Index, task.Attempt - 1);
        foreach (var (task, _) in _delayed.UnorderedItems) used.TryAdd(task.Index, task.Attempt - 1);
        return used.OrderBy(p => p.Key).Select(p => new TaskLease(p.Key, p.Value)).ToList();
    }

    /// <summary>
    /// Takes in one result. Returns what became of the task; only <see cref="Verdict.Final"/>
    /// results are to be journaled. A result for a lease the ledger no longer holds (a late
    /// answer from a node already given up on) is <see cref="Verdict.Stale"/> and ignored.
    /// </summary>
    public Verdict Resolve(TaskResult result, RetryPolicy retry, int minAttemptsOnLoss, DateTimeOffset now)
    {
        if (!_leased.TryGetValue(result.Index, out var lease) || lease.Attempt != result.Attempt)
            return Verdict.Stale;
        _leased.Remove(result.Index);
        return Decide(new Pending(result.Index, result.Attempt, lease.First), result.Outcome, result.ExitCode, retry, minAttemptsOnLoss, now);
    }

    private Verdict Decide(Pending task, TaskOutcome outcome, int? exitCode, RetryPolicy retry, int minAttemptsOnLoss, DateTimeOffset now)
    {
        // Attempts used in this run of the task: a rerun's policy counts from its first attempt.
        var used = task.Attempt - task.First + 1;
        switch (outcome)
        {
            case TaskOutcome.Returned:
                _ready.Enqueue(task);
                return Verdict.Requeued;
            case TaskOutcome.WorkerCrashed or TaskOutcome.Lost
                when used < Math.Max(retry.MaxAttempts, minAttemptsOnLoss):
                _ready.Enqueue(task with { Attempt = task.Attempt + 1 });
                return Verdict.Requeued;
            case TaskOutcome.Failed when used < retry.MaxAttempts && RetriesExitCode(retry, exitCode):
            case TaskOutcome.TimedOut when used < retry.MaxAttempts && retry.OnTimeout:
                _delayed.Enqueue(task with { Attempt = task.Attempt + 1 }, now + BackoffFor(retry, used));
                return Verdict.RetryLater;
            default:
                return Verdict.Final;
        }
    }

    private static bool RetriesExitCode(RetryPolicy retry, int? exitCode) =>
        exitCode is { } code && code != 0 && (retry.ExitCodes.Length == 0 || Array.IndexOf(retry.ExitCodes, code) >= 0);

    /// <summary>Backoff before attempt <paramref name="failedAttempt"/> + 1: doubles per attempt, capped.</summary>
    public static TimeSpan BackoffFor(RetryPolicy retry, int failedAttempt)
    {
        var factor = Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var ticks = Math.Min(retry.Backoff.Ticks * factor, retry.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Moves retries whose backoff has passed to the ready queue; returns when the next one is due.</summary>
    public DateTimeOffset? PromoteDue(DateTimeOffset now)
    {
        while (_delayed.TryPeek(out var lease, out var due))
        {
            if (due > now) return due;
            _delayed.Dequeue();
            _ready.Enqueue(lease);
        }
        return null;
    }

    /// <summary>Gives up on every lease held by a lost node: each becomes a <see cref="TaskOutcome.Lost"/> result.</summary>
    public List<TaskResult> LeasesOf(IActorRef node, DateTimeOffset now)
    {
        var lost = new List<TaskResult>();
        foreach (var (index, lease) in _leased)
            if (lease.Node.Equals(node))
                lost.Add(new TaskResult(index, lease.Attempt, TaskOutcome.Lost, null, now, now, "node lost"));
        return lost;
    }

    /// <summary>The nodes that hold leases (to tell them when the job is cancelled).</summary>
    public HashSet<IActorRef> LeaseHolders() => _leased.Values.Select(l => l.Node).ToHashSet();

    /// <summary>Records a journaled final result (recovery or after a write).</summary>
    public void MarkRecorded(long index) => _recorded.Set(index);

    /// <summary>Drops every lease and queued retry (cancellation).</summary>
    public void Clear()
    {
        _leased.Clear();
        _ready.Clear();
        _delayed.Clear();
        _queuedBeforeCursor = null;
        _cursor = Total;
    }

    /// <summary><paramref name="First"/>: the attempt this run of the task began with (1, or a rerun's).</summary>
    private readonly record struct Lease(IActorRef Node, int Attempt, int First);

    private readonly record struct Pending(long Index, int Attempt, int First);
}

internal enum Verdict
{
    /// <summary>The task has its final result: journal it.</summary>
    Final,
    /// <summary>It failed in a retryable way and waits for its backoff.</summary>
    RetryLater,
    /// <summary>It goes back to the ready queue at once (crash, lost node, returned lease).</summary>
    Requeued,
    /// <summary>An answer for a lease the ledger no longer holds; ignored.</summary>
    Stale,
}
