using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Allocation;

/// <summary>
/// Reads the farm's demand once, for one poll of the allocation queues, and stops: the running
/// jobs from the directory, each one's status from its entity (tasks no node holds), and the
/// registered nodes' slots. Gathered by messages, not asks: whatever has not answered within the
/// timeout is left out and the reading marked incomplete.
/// </summary>
internal sealed class DemandProbe : ReceiveActor
{
    private readonly IActorRef _replyTo;
    // Running jobs not heard from yet, and the slots each of their tasks takes (cpus).
    private readonly Dictionary<string, int> _awaitedJobs = new(StringComparer.Ordinal);
    private bool _listed;
    private FarmOverview? _overview;
    // Slots the waiting tasks need: a task of a job with cpus = k needs k.
    private long _pending;

    public DemandProbe(IActorRef directory, IActorRef jobs, IActorRef replyTo, TimeSpan timeout)
    {
        _replyTo = replyTo;
        Receive<JobList>(list =>
        {
            foreach (var job in list.Jobs.Where(j => j.Phase == JobPhase.Running))
                if (_awaitedJobs.TryAdd(job.JobId, Math.Max(1, job.Cpus)))
                    jobs.Tell(new GetJobStatus(job.JobId));
            _listed = true;
            ReplyWhenComplete();
        });
        Receive<JobStatusReport>(status =>
        {
            if (!_awaitedJobs.Remove(status.JobId, out var cpus)) return;
            if (status.Phase == JobPhase.Running && !status.Halted) _pending += status.Pending * cpus;
            ReplyWhenComplete();
        });
        Receive<FarmOverview>(overview =>
        {
            _overview = overview;
            ReplyWhenComplete();
        });
        Receive<ReceiveTimeout>(_ => Reply(complete: false));

        directory.Tell(ListJobs.Instance);
        directory.Tell(GetFarmOverview.Instance);
        Context.SetReceiveTimeout(timeout);
    }

    public static Props Props(IActorRef directory, IActorRef jobs, IActorRef replyTo, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new DemandProbe(directory, jobs, replyTo, timeout));

    private void ReplyWhenComplete()
    {
        if (_listed && _overview is not null && _awaitedJobs.Count == 0) Reply(complete: true);
    }

    private void Reply(bool complete)
    {
        var nodes = _overview?.Nodes ?? [];
        var byAllocation = nodes
            .Where(n => n.Allocation is not null)
            .GroupBy(n => n.Allocation!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new AllocationNodes(g.Count(), g.Sum(n => n.Busy)), StringComparer.Ordinal);
        var free = nodes.Sum(n => (long)Math.Max(0, n.Slots - n.Busy));
        _replyTo.Tell(new FarmDemand(_pending, free, byAllocation, complete && _overview is not null));
        Context.Stop(Self);
    }
}
