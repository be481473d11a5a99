using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

// A coordinator node that leaves waits for the worker nodes draining at the same moment (a
// plain scancel or a time limit signals every process of an allocation at once): their last
// results and returned leases reach the journal before the job hands off, so the tasks they
// finished while leaving do not run again in the next allocation.
internal sealed partial class JobEntity
{
    private bool NodesSettled =>
        _phase != JobPhase.Running || (_ledger!.Leased == 0 && _unrecorded.Count == 0 && _writing is null);

    private void HandleAwaitNodesDrained(AwaitNodesDrained _)
    {
        _leaving = true;
        _drainWaiters.Add(Sender);
        ReplyIfNodesSettled();
    }

    /// <summary>Called wherever leases end or results reach the journal.</summary>
    private void ReplyIfNodesSettled()
    {
        if (_drainWaiters.Count == 0 || !NodesSettled) return;
        foreach (var waiter in _drainWaiters)
            waiter.Tell(new NodesDrained(_jobId));
        _drainWaiters.Clear();
    }
}
