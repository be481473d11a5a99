using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Leaving cleanly (SIGTERM, end of a SLURM allocation, --leave-at): the Draining and DrainComplete phases.
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// Stop taking tasks, give back the queued ones, let running tasks finish until
    /// <paramref name="Grace"/> has passed, then kill the rest and give them back too. Replies
    /// <see cref="Drained"/> once every result is sent and no task runs. Sent by the host's
    /// coordinated shutdown before the node leaves the cluster.
    /// </summary>
    public sealed record Drain(TimeSpan Grace) : INoSerializationVerificationNeeded;

    public sealed record Drained(int Finished, int Returned) : INoSerializationVerificationNeeded;

    /// <summary>Serving or Stopping → Draining.</summary>
    private void BeginDraining(Drain drain)
    {
        _drainAsker = Sender;
        _graceOver = false;
        _finished = 0; // Drained counts the tasks finished from now on
        Become(Draining);
        ForgetRequests();
        // Tasks that died of a signal just before: the stop's doing, not theirs.
        ReturnHeld();

        // Queued leases go back at once, without using up an attempt.
        var queued = 0;
        foreach (var group in _queue.GroupBy(q => q.JobId))
        {
            var leases = group.Select(q => q.Lease).ToArray();
            ReturnLeasesOf(group.Key, leases);
            queued += leases.Length;
        }
        ClearQueue();
        _returned += queued;

        var running = _slots.Where(s => s.JobId is not null).Sum(s => s.Leases.Length);
        _log.Info("Node {0} draining: returned {1} queued tasks, waiting up to {2} for {3} running",
            _settings.NodeName, _returned, drain.Grace, running);
        Timers.StartSingleTimer(nameof(DrainDeadline), DrainDeadline.Instance, drain.Grace);
        CheckDrained();
    }

    /// <summary>
    /// Asked again (a retry of the shutdown task), while draining or drained: answered when done,
    /// to the latest asker. The grace is not started again.
    /// </summary>
    private void AskAgain(Drain drain)
    {
        _drainAsker = Sender;
        _graceOver = false;
        Become(Draining);
        CheckDrained();
    }

    /// <summary>The grace is over: kill what still runs and give the leases back.</summary>
    private void GiveUpRunningTasks()
    {
        _graceOver = true;
        foreach (var group in _slots.Where(s => s.JobId is not null && !s.Returned).GroupBy(s => s.JobId!))
        {
            var leases = group.SelectMany(s => s.Leases).ToArray();
            ReturnLeasesOf(group.Key, leases);
            _returned += leases.Length;
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

    /// <summary>Draining → DrainComplete once no task runs and the jobs have journaled what this node finished (or the grace is over).</summary>
    private void CheckDrained()
    {
        if (_slots.Any(s => s.JobId is not null && !s.Returned)) return;
        FlushAll();
        if (!_graceOver && _nodeJobs.Values.Any(job => job.Unacked.Count > 0)) return;
        Become(DrainComplete);
        Timers.Cancel(nameof(DrainDeadline));
        _log.Info("Node {0} drained: {1} tasks finished, {2} given back", _settings.NodeName, _finished, _returned);
        _drainAsker.Tell(new Drained(_finished, _returned));
    }
}
