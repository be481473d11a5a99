using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Surviving the loss of the other side (a job entity that restarted elsewhere) and leaving
// cleanly (SIGTERM, end of a SLURM allocation).
public sealed partial class NodeSupervisor
{
    private DrainState? _drain;

    /// <summary>
    /// Stop taking tasks, give back the queued ones, let running tasks finish until
    /// <paramref name="Grace"/> has passed, then kill the rest and give them back too. Replies
    /// <see cref="Drained"/> once every result is sent and no task runs. Sent by the host's
    /// coordinated shutdown before the node leaves the cluster.
    /// </summary>
    public sealed record Drain(TimeSpan Grace) : INoSerializationVerificationNeeded;

    public sealed record Drained(int Finished, int Returned) : INoSerializationVerificationNeeded;

    private sealed record DrainDeadline : INoSerializationVerificationNeeded
    {
        public static readonly DrainDeadline Instance = new();
    }

    private sealed class DrainState(IActorRef replyTo)
    {
        public IActorRef ReplyTo { get; } = replyTo;
        public int Finished { get; set; }
        public int Returned { get; set; }
        public bool Replied { get; set; }
        public bool DeadlinePassed { get; set; }
    }

    /// <summary>
    /// A job's entity started a new life (it was recovered after its node crashed, or moved).
    /// Leases granted by the old life are unknown to it: tell it which ones this node holds, so
    /// they are neither handed out again nor their results ignored.
    /// </summary>
    private void ObserveIncarnation(string jobId, string incarnation)
    {
        if (incarnation.Length == 0) return; // the directory does not know it yet
        if (!_incarnations.TryGetValue(jobId, out var known))
        {
            _incarnations[jobId] = incarnation;
            return;
        }
        if (known == incarnation) return;
        _incarnations[jobId] = incarnation;

        var held = new List<TaskLease>();
        foreach (var queued in _queue)
            if (queued.JobId == jobId) held.Add(queued.Lease);
        foreach (var slot in _slots)
            if (slot.JobId == jobId && !slot.Returned) held.AddRange(slot.Leases);
        held.AddRange(HeldLeases(jobId));
        if (_results.TryGetValue(jobId, out var unsent))
            foreach (var result in unsent) held.Add(new TaskLease(result.Index, result.Attempt));
        var unacked = _unacked.GetValueOrDefault(jobId) ?? [];
        foreach (var batch in unacked)
            foreach (var result in batch.Results) held.Add(new TaskLease(result.Index, result.Attempt));
        // A request sent to the old life may never be answered.
        _outstanding.Remove(jobId);
        if (held.Count == 0) return;
        _log.Warning("Job {0} has a new incarnation (its coordinator restarted or moved); re-attaching {1} leases, {2} of them finished",
            jobId, held.Count, unacked.Sum(b => b.Results.Length));
        foreach (var leases in ResultBatching.Chunk(held, _settings.Wire.MaxLeasesPerMessage))
            _jobs.Tell(new ReattachLeases(jobId, incarnation, Self, _settings.NodeName, leases));
        // The old life may have journaled none of these: the new one takes them (in order, after
        // the re-attach), and ignores those the journal already holds.
        for (var i = 0; i < unacked.Count; i++)
        {
            unacked[i] = unacked[i] with { SentAt = DateTime.UtcNow };
            _jobs.Tell(new TaskResults(jobId, Self, _settings.NodeName, unacked[i].BatchId, unacked[i].Results));
        }
    }

    private void HandleDrain(Drain drain)
    {
        if (_drain is not null)
        {
            // Asked again (a retry of the shutdown task): answer when done, to the latest asker.
            _drain = new DrainState(Sender) { Finished = _drain.Finished, Returned = _drain.Returned };
            CheckDrained();
            return;
        }
        _drain = new DrainState(Sender) { Returned = _returnedBeforeDrain };
        _phase = NodePhase.Draining;
        _outstanding.Clear();
        // Tasks that died of a signal just before: the stop's doing, not theirs.
        ReturnHeld();

        // Queued leases go back at once, without using up an attempt.
        foreach (var group in _queue.GroupBy(q => q.JobId))
        {
            var leases = group.Select(q => q.Lease).ToArray();
            ReturnLeasesOf(group.Key, leases);
            _drain.Returned += leases.Length;
        }
        _queue.Clear();

        var running = _slots.Where(s => s.JobId is not null).Sum(s => s.Leases.Length);
        _log.Info("Node {0} draining: returned {1} queued tasks, waiting up to {2} for {3} running",
            _settings.NodeName, _drain.Returned, drain.Grace, running);
        Timers.StartSingleTimer(nameof(DrainDeadline), DrainDeadline.Instance, drain.Grace);
        CheckDrained();
    }

    /// <summary>The grace is over: kill what still runs and give the leases back.</summary>
    private void GiveUpRunningTasks()
    {
        if (_drain is null) return;
        _drain.DeadlinePassed = true;
        foreach (var group in _slots.Where(s => s.JobId is not null && !s.Returned).GroupBy(s => s.JobId!))
        {
            var leases = group.SelectMany(s => s.Leases).ToArray();
            ReturnLeasesOf(group.Key, leases);
            _drain.Returned += leases.Length;
            foreach (var slot in group)
            {
                slot.Returned = true;
                slot.Worker?.Tell(new CancelRunningTask(group.Key));
            }
        }
        CheckDrained();
    }

    /// <summary>Gives leases back in as many messages as it takes to stay within the frame size.</summary>
    private void ReturnLeasesOf(string jobId, TaskLease[] leases)
    {
        foreach (var chunk in ResultBatching.Chunk(leases, _settings.Wire.MaxLeasesPerMessage))
            _jobs.Tell(new ReturnLeases(jobId, Self, chunk));
    }

    private void CheckDrained()
    {
        if (_drain is null || _drain.Replied) return;
        if (_slots.Any(s => s.JobId is not null && !s.Returned)) return;
        FlushAll();
        // Leave only once the jobs have journaled what this node finished (or the grace is over).
        if (!_drain.DeadlinePassed && _unacked.Values.Any(sent => sent.Count > 0)) return;
        _drain.Replied = true;
        _phase = NodePhase.Drained;
        Timers.Cancel(nameof(DrainDeadline));
        _log.Info("Node {0} drained: {1} tasks finished, {2} given back", _settings.NodeName, _drain.Finished, _drain.Returned);
        _drain.ReplyTo.Tell(new Drained(_drain.Finished, _drain.Returned));
    }
}
