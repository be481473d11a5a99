using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;

namespace ActorFarm.Allocation;

/// <summary>
/// The farm's allocation queues (<c>actorfarm alloc</c>), a cluster singleton on the coordinator
/// role. Every poll it reads the farm's demand (<see cref="DemandProbe"/>) and this user's SLURM
/// jobs of its queues (squeue), then, per queue and by <see cref="AllocationPlan"/>: submits an
/// allocation (sbatch of the worker script, whose nodes join this farm), releases idle ones
/// (scancel) and forgets ended ones. Queues and their allocations are journaled; after a restart
/// the first poll reconciles them with squeue, adopting an allocation submitted but never journaled
/// (found by its job name), so none is leaked or submitted twice.
/// </summary>
internal sealed class AllocationQueues : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "allocation-queues";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AllocationSettings _settings;
    private readonly SlurmCli _slurm;
    private readonly IActorRef _directory;
    private readonly IActorRef _jobs;
    // Where the journal is, for the one line its failure gets.
    private readonly string _journalLocation;
    // Every queue not deleted, by number; each holds its journaled allocations and what polls saw.
    private readonly SortedDictionary<int, QueueState> _queues = new();
    private int _lastQueueId;
    // The poll under way: what it has gathered so far (null: none running).
    private PollRound? _round;

    public ITimerScheduler Timers { get; set; } = null!;

    public AllocationQueues(AllocationSettings settings, IActorRef directory, IActorRef jobs, JournalPlugins? plugins)
    {
        _settings = settings;
        _slurm = new SlurmCli(settings.CommandTimeout);
        _directory = directory;
        _jobs = jobs;
        _journalLocation = JournalFault.LocationOf(Context.System.Settings.Config, (plugins ?? JournalPlugins.Sql).JournalPluginId);
        if (plugins is not null)
        {
            JournalPluginId = plugins.JournalPluginId;
            SnapshotPluginId = plugins.SnapshotPluginId;
        }
        Recover<AllocationQueueCreated>(Apply);
        Recover<AllocationQueueDeleted>(Apply);
        Recover<AllocationSubmitted>(Apply);
        Recover<AllocationEnded>(Apply);

        Command<AddAllocationQueue>(HandleAdd);
        Command<RemoveAllocationQueue>(HandleRemove);
        Command<ListAllocationQueues>(_ => Sender.Tell(new AllocationQueueList(
            _queues.Values.Select(q => q.View(DateTimeOffset.UtcNow)).ToArray())));
        Command<Poll>(_ => StartPoll());
        Command<FarmDemand>(demand =>
        {
            if (_round is not null) Gathered(_round with { Demand = demand });
        });
        Command<SlurmListing>(listing =>
        {
            if (_round is not null) Gathered(_round with { Slurm = listing });
        });
        Command<Submitted>(HandleSubmitted);
        Command<SubmitFailed>(HandleSubmitFailed);
        Command<CancelAccepted>(_ => { });
        Command<CancelFailed>(failed =>
        {
            _log.Warning("Allocation queue {0}: scancel {1} failed: {2}", failed.QueueId, failed.JobId, failed.Error);
            if (_queues.TryGetValue(failed.QueueId, out var queue) && queue.Allocations.TryGetValue(failed.JobId, out var allocation))
                allocation.Releasing = false; // asked again at the next poll that finds it idle
        });
    }

    public static Props Props(AllocationSettings settings, IActorRef directory, IActorRef jobs, JournalPlugins? plugins = null) =>
        Akka.Actor.Props.Create(() => new AllocationQueues(settings, directory, jobs, plugins));

    public override string PersistenceId => PersistenceIdValue;

    // A failed write or recovery stops this actor (Akka's rule); the parent that starts it again
    // hears why, in one line (Hosting.RestartingSingleton), instead of a stack trace per attempt.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Context.Parent.Tell(JournalDown.Of(cause, _journalLocation));

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Context.Parent.Tell(JournalDown.Of(reason, _journalLocation));

    protected override void OnReplaySuccess()
    {
        Context.Parent.Tell(JournalUp.Instance);
        Timers.StartPeriodicTimer(nameof(Poll), Poll.Instance, _settings.PollInterval);
        if (_queues.Count > 0)
            _log.Info("Allocation queues recovered: {0}", string.Join("; ", _queues.Values.Select(Describe)));
    }

    private void Apply(AllocationQueueCreated e)
    {
        _queues[e.QueueId] = new QueueState(e.QueueId, e.Key, e.Spec);
        _lastQueueId = Math.Max(_lastQueueId, e.QueueId);
    }

    private void Apply(AllocationQueueDeleted e) => _queues.Remove(e.QueueId);

    private void Apply(AllocationSubmitted e)
    {
        if (_queues.TryGetValue(e.QueueId, out var queue))
            queue.Allocations.TryAdd(e.JobId, new TrackedAllocation(e.JobId, e.At));
    }

    private void Apply(AllocationEnded e)
    {
        if (_queues.TryGetValue(e.QueueId, out var queue)) queue.Allocations.Remove(e.JobId);
    }

    private void HandleAdd(AddAllocationQueue add)
    {
        var key = Guid.NewGuid().ToString("N")[..10];
        Persist(new AllocationQueueCreated(_lastQueueId + 1, key, add.Spec, DateTimeOffset.UtcNow), e =>
        {
            Apply(e);
            _log.Info("Allocation queue {0} added: {1}", e.QueueId, Describe(_queues[e.QueueId]));
            Sender.Tell(new AllocationQueueAdded(e.QueueId));
            Self.Tell(Poll.Instance);
        });
    }

    private void HandleRemove(RemoveAllocationQueue remove)
    {
        if (!_queues.TryGetValue(remove.QueueId, out var queue))
        {
            Sender.Tell(new AllocationQueueRemoved(remove.QueueId, [], $"no allocation queue {remove.QueueId}"));
            return;
        }
        var allocations = queue.Allocations.Keys.Order(StringComparer.Ordinal).ToArray();
        Persist(new AllocationQueueDeleted(remove.QueueId, DateTimeOffset.UtcNow), e =>
        {
            Apply(e);
            foreach (var jobId in allocations) Cancel(e.QueueId, jobId, "its queue was removed");
            _log.Info("Allocation queue {0} removed{1}", e.QueueId,
                allocations.Length > 0 ? $"; cancelling allocations {string.Join(", ", allocations)}" : "");
            Sender.Tell(new AllocationQueueRemoved(e.QueueId, allocations));
        });
    }

    private void StartPoll()
    {
        if (_round is not null || _queues.Count == 0) return;
        var listedAt = DateTimeOffset.UtcNow;
        _round = new PollRound(listedAt, null, null);
        Context.ActorOf(DemandProbe.Props(_directory, _jobs, Self, _settings.CommandTimeout));
        var names = _queues.Values.Select(q => q.JobName).ToArray();
        _slurm.ListAsync(names).PipeTo(Self,
            success: jobs => new SlurmListing(jobs, null),
            failure: e => new SlurmListing(null, e.Message));
    }

    private void Gathered(PollRound round)
    {
        if (round.Demand is null || round.Slurm is null)
        {
            _round = round;
            return;
        }
        _round = null;
        if (round.Slurm.Jobs is not { } jobs)
        {
            // Without squeue nothing is known about the allocations: change nothing this time.
            _log.Warning("Allocation queues: squeue failed: {0}", round.Slurm.Error);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var events = new List<IAllocationEvent>();
        foreach (var queue in _queues.Values)
        {
            var seen = AllocationPlan.Observe(queue, jobs, round.StartedAt, round.Demand, now);
            events.AddRange(seen.Adopted.Select(id => new AllocationSubmitted(queue.Id, id, now)));
            events.AddRange(seen.Ended.Select(ended => new AllocationEnded(queue.Id, ended.JobId, ended.State, now)));
        }
        if (events.Count == 0)
        {
            Act(round.Demand, now);
            return;
        }
        PersistAll(events, e =>
        {
            switch (e)
            {
                case AllocationSubmitted adopted:
                    Apply(adopted);
                    _log.Info("Allocation queue {0}: found allocation {1} in SLURM's queue, not in the journal: adopted", adopted.QueueId, adopted.JobId);
                    break;
                case AllocationEnded ended:
                    Apply(ended);
                    _log.Info("Allocation queue {0}: allocation {1} ended ({2})", ended.QueueId, ended.JobId, ended.State);
                    break;
            }
        });
        // Deferred runs after every event above is journaled and applied.
        DeferAsync(round.Demand, demand => Act(demand, DateTimeOffset.UtcNow));
    }

    private void Act(FarmDemand demand, DateTimeOffset now)
    {
        foreach (var queue in _queues.Values)
        {
            var decision = AllocationPlan.Decide(queue, demand, now, _settings);
            foreach (var (jobId, reason) in decision.Release)
                Cancel(queue.Id, jobId, reason);
            if (decision.Submit) Submit(queue, demand);
        }
    }

    private void Submit(QueueState queue, FarmDemand demand)
    {
        queue.Submitting = true;
        var spec = queue.Spec;
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            ["ACTORFARM_SEEDS"] = SeedsForWorkers(),
            ["ACTORFARM_ALLOCATION_QUEUE"] = queue.Id.ToString(),
        };
        string[] arguments =
        [
            $"--job-name={queue.JobName}",
            $"--nodes={spec.NodesPerAllocation}",
            $"--time={SlurmTime(spec.TimeLimit)}",
            $"--chdir={spec.WorkingDirectory}",
            $"--output={Path.Combine(spec.WorkingDirectory, "actorfarm-alloc-%j.out")}",
            "--export=ALL",
            .. spec.SbatchArguments, // after ours: the user's --output or --export win
            spec.WorkerScript,
        ];
        _log.Info("Allocation queue {0}: waiting tasks need {1} slots, {2} are free: submitting an allocation of {3} node(s) for {4}",
            queue.Id, demand.WaitingSlots, demand.FreeSlots, spec.NodesPerAllocation, AllocationPlan.Format(spec.TimeLimit));
        var queueId = queue.Id;
        _slurm.SubmitAsync(arguments, environment).PipeTo(Self,
            success: jobId => new Submitted(queueId, jobId),
            failure: e => new SubmitFailed(queueId, e.Message));
    }

    private void HandleSubmitted(Submitted submitted)
    {
        if (!_queues.TryGetValue(submitted.QueueId, out var queue))
        {
            // Removed while sbatch ran: the allocation is nobody's, so it goes at once.
            Cancel(submitted.QueueId, submitted.JobId, "its queue was removed");
            return;
        }
        Persist(new AllocationSubmitted(submitted.QueueId, submitted.JobId, DateTimeOffset.UtcNow), e =>
        {
            Apply(e);
            queue.Submitting = false;
            queue.Failures = 0;
            queue.LastError = null;
            _log.Info("Allocation queue {0}: submitted allocation {1}", e.QueueId, e.JobId);
        });
    }

    private void HandleSubmitFailed(SubmitFailed failed)
    {
        if (!_queues.TryGetValue(failed.QueueId, out var queue)) return;
        queue.Submitting = false;
        queue.Failures++;
        queue.LastError = failed.Error;
        var wait = _settings.BackoffAfter(queue.Failures);
        queue.RetryAfter = DateTimeOffset.UtcNow + wait;
        _log.Warning("Allocation queue {0}: {1}; trying again in {2}", failed.QueueId, failed.Error, AllocationPlan.Format(wait));
    }

    private void Cancel(int queueId, string jobId, string reason)
    {
        if (_queues.TryGetValue(queueId, out var queue) && queue.Allocations.TryGetValue(jobId, out var allocation))
            allocation.Releasing = true;
        _log.Info("Allocation queue {0}: releasing allocation {1}: {2}", queueId, jobId, reason);
        _slurm.CancelAsync(jobId).PipeTo(Self,
            success: () => CancelAccepted.Instance,
            failure: e => new CancelFailed(queueId, jobId, e.Message));
    }

    /// <summary>
    /// Where the allocation's nodes join: the farm's seed nodes, then this member (any member is a
    /// contact point), so that they find the farm even if a seed is gone.
    /// </summary>
    private string SeedsForWorkers()
    {
        var cluster = Cluster.Get(Context.System);
        return string.Join(',', cluster.Settings.SeedNodes.Append(cluster.SelfAddress).Distinct()
            .Select(a => $"{a.Host}:{a.Port}"));
    }

    /// <summary>sbatch's --time: days-hours:minutes:seconds.</summary>
    private static string SlurmTime(TimeSpan span) =>
        $"{(int)span.TotalDays}-{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}";

    private static string Describe(QueueState queue)
    {
        var spec = queue.Spec;
        return $"queue {queue.Id}: up to {spec.MaxNodes} node(s), {spec.NodesPerAllocation} per allocation for {AllocationPlan.Format(spec.TimeLimit)}, " +
            $"released after {AllocationPlan.Format(spec.IdleTimeout)} idle, {queue.Allocations.Count} allocation(s) live";
    }

    private sealed record Poll : INoSerializationVerificationNeeded
    {
        public static readonly Poll Instance = new();
    }

    private sealed record CancelAccepted : INoSerializationVerificationNeeded
    {
        public static readonly CancelAccepted Instance = new();
    }

    private sealed record PollRound(DateTimeOffset StartedAt, FarmDemand? Demand, SlurmListing? Slurm);

    private sealed record SlurmListing(IReadOnlyDictionary<string, (string Name, string State)>? Jobs, string? Error)
        : INoSerializationVerificationNeeded;

    private sealed record Submitted(int QueueId, string JobId) : INoSerializationVerificationNeeded;

    private sealed record SubmitFailed(int QueueId, string Error) : INoSerializationVerificationNeeded;

    private sealed record CancelFailed(int QueueId, string JobId, string Error) : INoSerializationVerificationNeeded;
}
