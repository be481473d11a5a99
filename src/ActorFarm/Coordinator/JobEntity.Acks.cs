using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

// Acknowledging result batches once they are journaled, so a node can keep what it sent until
// then and send it again to a new incarnation of the job: results finished while the
// coordinator was down are not lost, and nothing is journaled twice (a result the journal
// already holds is stale to the new incarnation).
public sealed partial class JobEntity
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

    /// <summary>One acknowledgement per node for everything journaled so far (batches are acknowledged in order).</summary>
    private void AckJournaled()
    {
        Dictionary<IActorRef, long>? upTo = null;
        while (_pendingAcks.TryPeek(out var pending) && pending.Watermark <= _finalsJournaled)
        {
            _pendingAcks.Dequeue();
            (upTo ??= new Dictionary<IActorRef, long>())[pending.Node] = pending.BatchId;
        }
        if (upTo is null) return;
        foreach (var (node, batchId) in upTo)
            node.Tell(new ResultsAcknowledged(_jobId, batchId));
    }
}
