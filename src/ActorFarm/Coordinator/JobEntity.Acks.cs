using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

// Acknowledging result batches once they are journaled, so a node can keep what it sent until
// then and send it again to a new incarnation of the job: results finished while the
// coordinator was down are not lost, and nothing is journaled twice (a result the journal
// already holds is stale to the new incarnation).
internal sealed partial class JobEntity
{
    private void ExpectAck(IActorRef node, long batchId)
    {
        _pendingAcks.Enqueue(new PendingAck(_finalsAbsorbed, node, batchId));
        AckJournaled();
    }

    private void OnJournaled(int finals)
    {
        _finalsJournaled += finals;
        AckJournaled();
    }

    /// <summary>
    /// One acknowledgement per node for everything journaled so far, naming each batch it
    /// received: a batch that never arrived is not covered by a later one, so its node sends it again.
    /// </summary>
    private void AckJournaled()
    {
        Dictionary<IActorRef, List<long>>? batches = null;
        while (_pendingAcks.TryPeek(out var pending) && pending.Watermark <= _finalsJournaled)
        {
            _pendingAcks.Dequeue();
            batches ??= new Dictionary<IActorRef, List<long>>();
            if (!batches.TryGetValue(pending.Node, out var ids)) batches[pending.Node] = ids = new List<long>();
            ids.Add(pending.BatchId);
        }
        if (batches is null) return;
        foreach (var (node, ids) in batches)
            node.Tell(new ResultsAcknowledged(_jobId, ids.Max(), ids.ToArray()));
    }
}
