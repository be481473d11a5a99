using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorFarm.Coordinator;

// Surviving the loss of a node on either side: worker nodes that die, worker nodes that stayed
// up while this entity was recovered elsewhere, and this entity's own node leaving.
internal sealed partial class JobEntity
{
    private void HandleTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_journal))
        {
            // A Terminated overtakes the ordinary messages its actor sent before it stopped: look
            // again once those (its Failed, with the cause) are handled.
            Self.Tell(new JournalStopped(terminated.ActorRef, new InvalidOperationException("the journal stopped")));
            return;
        }
        LoseNode(terminated.ActorRef);
    }

    /// <summary>
    /// The split brain resolver downed a member: its nodes are gone for good (a downed member
    /// never comes back), and acting now instead of at the <see cref="Terminated"/> that follows
    /// its removal saves the 1–2 s the removal takes.
    /// </summary>
    private void HandleDowned(ClusterEvent.MemberDowned downed)
    {
        foreach (var node in _watchedNodes.Where(n => n.Path.Address.Equals(downed.Member.Address)).ToList())
        {
            Context.Unwatch(node);
            LoseNode(node);
        }
    }

    private void LoseNode(IActorRef actor)
    {
        _hungryNodes.Remove(actor);
        if (!_watchedNodes.Remove(actor) || _ledger is null || _phase != JobPhase.Running)
            return;
        // A node supervisor that stops (crash, node removed from the cluster) takes its leases
        // with it: they run again elsewhere. Lost attempts count, so a task that kills every
        // node it lands on ends as failed instead of taking the whole farm down.
        var lost = _ledger.LeasesOf(actor, DateTimeOffset.UtcNow);
        if (lost.Count > 0)
        {
            _log.Warning("Job {0}: node {1} lost with {2} tasks; re-queuing them", _jobId, actor.Path.Address, lost.Count);
            Absorb(lost, actor.Path.Address.ToString());
        }
    }

    /// <summary>
    /// A node still holds leases granted by an earlier life of this job: adopt them, so they are
    /// not handed out again and their results count when they arrive.
    /// </summary>
    private void HandleReattach(ReattachLeases reattach)
    {
        if (_phase != JobPhase.Running || reattach.Incarnation != _incarnation) return;
        var adopted = 0;
        foreach (var lease in reattach.Leases)
            if (_ledger!.Adopt(reattach.Node, lease)) adopted++;
        if (adopted > 0) WatchNode(reattach.Node);
        _log.Info("Job {0}: node {1} re-attached {2} of {3} leases", _jobId, reattach.NodeName, adopted, reattach.Leases.Length);
    }

    private void EndReattachGrace()
    {
        _awaitingReattach = false;
        WakeHungryNodes();
    }

    /// <summary>Stops once the results already received are journaled (hand-off, passivation).</summary>
    private void StopWhenFlushed()
    {
        _stopWhenFlushed = true;
        FlushResults();
    }
}
