using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorFarm.Coordinator;

/// <summary>
/// The job directory, a cluster singleton on the coordinator role. It knows every job ever
/// submitted and which are active, and keeps every registered node supervisor told of the
/// active jobs by priority. It is deliberately not on the task path: nodes pull tasks from the
/// job entities directly, so the directory handles a message per job or node change, never per task.
/// </summary>
internal sealed class JobDirectory : ReceivePersistentActor
{
    public const string PersistenceIdValue = "job-directory";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, JobListEntry> _jobs = new();
    // Not journaled: an incarnation only means something while its entity lives, and every
    // entity announces its own when it starts. Unknown after the directory itself moved.
    private readonly Dictionary<string, string> _incarnations = new();
    // Registered node supervisors as each last said (its heartbeat): name, slots, busy slots,
    // the handlers it can run (null: any), when heard.
    private readonly Dictionary<IActorRef, FarmNode> _nodes = new();
    // Jobs already warned about as waiting (per reason): said once, not at every broadcast.
    private readonly HashSet<string> _warned = new();
    // Where the journal is, for the one line its failure gets.
    private readonly string _journalLocation;

    public JobDirectory(JournalPlugins? plugins)
    {
        // Null: the process's default plugins.
        if (plugins is not null)
        {
            JournalPluginId = plugins.JournalPluginId;
            SnapshotPluginId = plugins.SnapshotPluginId;
        }
        _journalLocation = JournalFault.LocationOf(Context.System.Settings.Config, (plugins ?? JournalPlugins.Sql).JournalPluginId);
        Recover<JobRegistered>(Apply);
        Recover<JobClosed>(Apply);

        Command<JobActivated>(HandleActivated);
        Command<JobDeactivated>(HandleDeactivated);
        Command<RegisterNode>(HandleRegister);
        Command<ListJobs>(_ => Sender.Tell(new JobList(_jobs.Values
            .OrderByDescending(j => j.RegisteredAt)
            .Select(j => j with { Waiting = WaitingReason(j) })
            .ToArray())));
        Command<GetFarmOverview>(_ => Sender.Tell(Overview()));
        Command<Terminated>(t =>
        {
            _nodes.Remove(t.ActorRef);
            WarnOfJobsNoNodeCanRun();
        });
    }

    public static Props Props(JournalPlugins? plugins = null) =>
        Akka.Actor.Props.Create(() => new JobDirectory(plugins));

    public override string PersistenceId => PersistenceIdValue;

    // A failed write or recovery stops this actor (Akka's rule); the parent that starts it again
    // hears why, in one line (Hosting.RestartingSingleton), instead of a stack trace per attempt.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Context.Parent.Tell(JournalDown.Of(cause, _journalLocation));

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Context.Parent.Tell(JournalDown.Of(reason, _journalLocation));

    protected override void OnReplaySuccess() => Context.Parent.Tell(JournalUp.Instance);

    private void Apply(JobRegistered e) =>
        _jobs[e.JobId] = new JobListEntry(e.JobId, e.Name, e.Priority, JobPhase.Running, e.At, e.Handler, Cpus: e.Cpus);

    private void Apply(JobClosed e)
    {
        if (_jobs.TryGetValue(e.JobId, out var entry))
            _jobs[e.JobId] = entry with { Phase = e.Phase };
    }

    private void HandleActivated(JobActivated activated)
    {
        _incarnations[activated.JobId] = activated.Incarnation;
        var entity = Sender;
        var recorded = new JobActivationRecorded(activated.JobId, activated.Incarnation);
        if (_jobs.TryGetValue(activated.JobId, out var known) && known.Phase == JobPhase.Running)
        {
            entity.Tell(recorded);
            // Journals written before the handler was recorded learn it now.
            if (known.Handler is null && activated.Handler is not null)
                _jobs[activated.JobId] = known with { Handler = activated.Handler };
            // A recovered entity announcing itself again: nothing to record, but nodes may have
            // dropped the job meanwhile.
            Broadcast();
            return;
        }
        Persist(new JobRegistered(activated.JobId, activated.Name, activated.Priority, DateTimeOffset.UtcNow, activated.Handler,
            activated.Cpus), e =>
        {
            Apply(e);
            _log.Info("Job {0} active (priority {1})", e.JobId, e.Priority);
            entity.Tell(recorded);
            Broadcast();
        });
    }

    private void HandleDeactivated(JobDeactivated deactivated)
    {
        if (!_jobs.TryGetValue(deactivated.JobId, out var known) || known.Phase == deactivated.Phase)
            return;
        Persist(new JobClosed(deactivated.JobId, deactivated.Phase, DateTimeOffset.UtcNow), e =>
        {
            Apply(e);
            _incarnations.Remove(e.JobId);
            Broadcast();
        });
    }

    private void HandleRegister(RegisterNode register)
    {
        var heard = new FarmNode(register.NodeName, MemberAddress(register.Node), register.Slots, register.Busy, register.Handlers,
            DateTimeOffset.UtcNow, register.Allocation);
        var known = _nodes.ContainsKey(register.Node);
        _nodes[register.Node] = heard;
        if (!known)
        {
            Context.Watch(register.Node);
            _log.Info("Node {0} registered with {1} slots{2}", register.NodeName, register.Slots,
                register.Handlers is { } names ? $" and handlers {string.Join(", ", names)}" : "");
            WarnOfJobsNoNodeCanRun();
        }
        register.Node.Tell(ActiveJobsMessage());
    }

    private void Broadcast()
    {
        var message = ActiveJobsMessage();
        foreach (var node in _nodes.Keys) node.Tell(message);
        WarnOfJobsNoNodeCanRun();
    }

    /// <summary>
    /// Why a running job makes no progress, as far as the directory can tell: its handler is on no
    /// registered node, or no node has as many slots as each of its tasks takes (its tasks wait
    /// until such a node registers; they are never offered to the others). Null when some node can
    /// run it, or when no node has registered yet.
    /// </summary>
    private string? WaitingReason(JobListEntry job)
    {
        if (job.Phase != JobPhase.Running || _nodes.Count == 0) return null;
        var handler = job.Handler;
        bool HasHandler(FarmNode node) =>
            handler is null || node.Handlers is null || node.Handlers.Contains(handler, StringComparer.Ordinal);
        if (!_nodes.Values.Any(HasHandler)) return $"no node has handler '{handler}'";
        if (_nodes.Values.Any(node => HasHandler(node) && node.Slots >= job.Cpus)) return null;
        var largest = _nodes.Values.Where(HasHandler).Max(node => node.Slots);
        return $"no node has {job.Cpus} slots (each task takes cpus = {job.Cpus}; the largest node has {largest})";
    }

    private void WarnOfJobsNoNodeCanRun()
    {
        foreach (var job in _jobs.Values)
            if (WaitingReason(job) is { } reason && _warned.Add(job.JobId + reason))
                _log.Warning("Job {0} waits: {1}", job.JobId, reason);
    }

    /// <summary>The membership as this member sees it, and every registered node's last heartbeat.</summary>
    private FarmOverview Overview()
    {
        var state = Akka.Cluster.Cluster.Get(Context.System).State;
        var members = state.Members
            .Select(m => new FarmMember(m.Address.ToString(), m.Status.ToString(), m.Roles.Order(StringComparer.Ordinal).ToArray(),
                !state.Unreachable.Contains(m)))
            .ToArray();
        var nodes = _nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToArray();
        return new FarmOverview(members, nodes, DateTimeOffset.UtcNow);
    }

    /// <summary>The cluster address of a node supervisor's member (a local one has none of its own: this member's).</summary>
    private string MemberAddress(IActorRef node) =>
        (node.Path.Address.HasLocalScope ? Akka.Cluster.Cluster.Get(Context.System).SelfAddress : node.Path.Address).ToString();

    private ActiveJobs ActiveJobsMessage() => new(_jobs.Values
        .Where(j => j.Phase == JobPhase.Running)
        .OrderByDescending(j => j.Priority)
        .ThenBy(j => j.RegisteredAt)
        .Select(j => new ActiveJob(j.JobId, j.Name, j.Priority, _incarnations.GetValueOrDefault(j.JobId, ""), j.Handler, j.Cpus))
        .ToArray());
}
