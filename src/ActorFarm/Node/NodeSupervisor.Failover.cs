using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Surviving the loss of the other side: a job entity that restarted elsewhere.
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// A job's entity started a new life (it was recovered after its node crashed, or moved).
    /// Leases granted by the old life are unknown to it: tell it which ones this node holds, so
    /// they are neither handed out again nor their results ignored.
    /// </summary>
    private void ObserveIncarnation(NodeJob job, string incarnation)
    {
        if (!job.ObserveIncarnation(incarnation)) return;

        var held = new List<TaskLease>();
        foreach (var queued in _queue)
            if (queued.JobId == job.Id) held.Add(queued.Lease);
        foreach (var slot in _slots)
            if (slot.JobId == job.Id && !slot.Returned) held.AddRange(slot.Leases);
        held.AddRange(HeldLeases(job.Id));
        held.AddRange(job.FinishedLeases());
        if (held.Count == 0) return;
        _log.Warning("Job {0} has a new incarnation (its coordinator restarted or moved); re-attaching {1} leases, {2} of them finished",
            job.Id, held.Count, job.UnackedResults);
        foreach (var leases in ResultBatching.Chunk(held, _settings.Wire.MaxLeasesPerMessage))
            _jobs.Tell(new ReattachLeases(job.Id, incarnation, Self, _settings.NodeName, leases));
        // The old life may have journaled none of these: the new one takes them (in order, after
        // the re-attach), and ignores those the journal already holds.
        foreach (var batch in job.TakeAllUnacked(DateTime.UtcNow))
            Send(job, batch);
    }
}
