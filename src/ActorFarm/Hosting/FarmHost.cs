using System.Runtime.InteropServices;
using ActorFarm.Coordinator;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Node.Execution.Trees;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Security;
using Akka.Actor;
using Akka.Event;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;

namespace ActorFarm.Hosting;

/// <summary>
/// A running farm process: the embedded single-node farm, or one node of a cluster. Hosts (the
/// CLI, a service embedding the farm) start one, use <see cref="Client"/>, and dispose it to
/// leave the cluster cleanly: a worker node first drains (gives back queued tasks, lets running
/// ones finish within the drain grace), a coordinator node hands its jobs over.
/// </summary>
public sealed class FarmHost : IAsyncDisposable
{
    private readonly StateDirectoryLock? _stateLock;
    // A coordinator on a PostgreSQL journal holds its farm's share of the journal while it runs.
    private PostgresFarmLease? _journalLease;

    private FarmHost(ActorSystem system, FarmClient client, IActorRef? node, string nodeName, int slots, StateDirectoryLock? stateLock,
        RemotingSecurity security)
    {
        _stateLock = stateLock;
        Security = security;
        System = system;
        Client = client;
        Node = node;
        NodeName = nodeName;
        Slots = slots;
    }

    public ActorSystem System { get; }

    public FarmClient Client { get; }

    /// <summary>The node supervisor, when this process has the worker role.</summary>
    public IActorRef? Node { get; }

    public string NodeName { get; }

    /// <summary>Worker slots of this node (0 without the worker role).</summary>
    public int Slots { get; }

    public Address Address => Cluster.Get(System).SelfAddress;

    /// <summary>How this process authenticates its peers (see <see cref="FarmOptions.Access"/>).</summary>
    public RemotingSecurity Security { get; }

    /// <summary>The access file this start created (a farm's first process writes it), or null.</summary>
    public string? CreatedAccessFile { get; private set; }

    /// <summary>Completes when the actor system has terminated (after a leave, a downing, or <see cref="DisposeAsync"/>).</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>
    /// Starts the farm process and waits until it is a member of its cluster. A coordinator first
    /// makes sure it may write its journal: with SQLite it locks the state directory for the life
    /// of the process (<see cref="StateDirectoryLock"/>) and checks the journal file; with
    /// PostgreSQL it checks the database (<see cref="PostgresJournal"/>).
    /// </summary>
    /// <exception cref="StateDirectoryInUseException">Another process holds the state directory.</exception>
    /// <exception cref="JournalRejectedException">The journal file or database is not an ActorFarm journal this build can use.</exception>
    /// <exception cref="AccessFileException">The access file is missing (and not to be created), open to others, or not an access file.</exception>
    public static async Task<FarmHost> StartAsync(FarmOptions options, CancellationToken cancellationToken = default)
    {
        var stateLock = await OpenJournalAsync(options, cancellationToken);
        PostgresFarmLease? lease = null;
        try
        {
            // Who may reach this process, once the store is known to be ours (a refused start
            // leaves no new access file behind).
            string? createdAccessFile = null;
            var security = RemotingSecurity.Resolve(options.EffectiveAccess, options.Config, path => createdAccessFile = path);
            // One farm at a time on a PostgreSQL journal: refused here, before anything of this
            // farm touches the journal, when another live farm owns it.
            if (options.HasRole(FarmOptions.CoordinatorRole) && options.PostgresConnectionString is { } postgres)
                lease = await PostgresFarmLease.JoinAsync(postgres, FarmIdentity(options), cancellationToken);
            var host = await StartSystemAsync(options, stateLock, security, cancellationToken);
            host._journalLease = lease;
            host.CreatedAccessFile = createdAccessFile;
            return host;
        }
        catch
        {
            stateLock?.Dispose();
            if (lease is not null) await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>A farm is known by its seed nodes (its Lighthouse): every node of one cluster is started with the same.</summary>
    private static string FarmIdentity(FarmOptions options) =>
        options.Seeds.Length > 0 ? string.Join(",", options.Seeds.Order(StringComparer.Ordinal)) : $"{Environment.MachineName}:standalone";

    /// <summary>
    /// The store checks run before Akka opens the journal: Akka would create its tables in an
    /// empty or foreign file, and a second writer would run the same tasks again.
    /// </summary>
    private static async Task<StateDirectoryLock?> OpenJournalAsync(FarmOptions options, CancellationToken cancellationToken)
    {
        if (!options.HasRole(FarmOptions.CoordinatorRole))
            return null;
        if (options.PostgresConnectionString is { } postgres)
        {
            await PostgresJournal.PrepareAsync(postgres, cancellationToken);
            return null;
        }
        var stateLock = StateDirectoryLock.Acquire(options.StateDirectory);
        try
        {
            SqliteJournal.Prepare(options.StateDirectory);
            return stateLock;
        }
        catch
        {
            stateLock.Dispose();
            throw;
        }
    }

    private static async Task<FarmHost> StartSystemAsync(FarmOptions options, StateDirectoryLock? stateLock, RemotingSecurity security,
        CancellationToken cancellationToken)
    {
        var coordinator = options.HasRole(FarmOptions.CoordinatorRole);
        var config = FarmConfig.Build(options, security);
        var system = security.CreateSystem(options.SystemName, config);
        // On every start, on stderr: an insecure farm is one anybody who reaches it can use.
        if (security.IsInsecure)
            system.Log.Warning(RemotingSecurity.InsecureWarning(Cluster.Get(system).SelfAddress.ToString()));
        // However the system ends (a leave, a downing), the state directory is free again.
        if (stateLock is not null)
        {
            _ = system.WhenTerminated.ContinueWith(_ => stateLock.Dispose(), TaskScheduler.Default);
            if (stateLock.NotEnforcedBecause is { } why)
                system.Log.Warning("The state directory cannot be locked: {0}; make sure no other farm uses it at the same time.", why);
        }
        try
        {
            // Everything is started before the node joins: the journal's start-up (table check,
            // linq2db warm-up), the sharding extension's and the actors' then overlap with the
            // cluster join instead of following it. Singletons, shard regions and the node
            // supervisor wait for membership by themselves.
            if (coordinator)
            {
                Akka.Persistence.Persistence.Instance.Apply(system);
                system.ActorOf(JournalWarmup.Props(), "journal-warmup");
            }
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            if (options.Seeds.Length == 0)
                cluster.Join(cluster.SelfAddress);

            var jobSettings = JobEntitySettings.From(system.Settings.Config);
            var directory = StartDirectory(system, options);
            var jobs = await StartJobRegion(system, options, jobSettings, directory);
            var gateway = system.ActorOf(FarmGateway.Props(jobs, directory), FarmGateway.Name);
            if (coordinator)
                AwaitWorkerDrainsBeforeLeaving(system, jobs, system.Settings.Config.GetTimeSpan("actorfarm.node.drain-grace"));
            // Every member runs a receptionist (any node is a contact point for clients), but
            // only coordinators, which have the journal, offer the gateway to them.
            var receptionist = ClusterClientReceptionist.Get(system);
            if (coordinator)
                receptionist.RegisterService(gateway);

            var nodeName = options.NodeName ?? $"{Environment.MachineName}:{cluster.SelfAddress.Port}";
            IActorRef? node = null;
            var slots = 0;
            if (options.HasRole(FarmOptions.WorkerRole))
            {
                var executor = options.Executor ?? OwnedExecutor(system, options.Handlers ?? TaskHandlerRegistry.CreateDefault());
                var settings = NodeSettings.From(system.Settings.Config, nodeName, options.Slots, options.LeaveAt) with
                {
                    // Advertised to the directory: jobs needing another handler are never offered here.
                    Handlers = (executor as TaskExecutor)?.Handlers.Names.ToHashSet(StringComparer.Ordinal),
                };
                slots = settings.Slots;
                node = system.ActorOf(NodeSupervisor.Props(settings, directory, jobs, executor), "node");
                DrainBeforeLeaving(system, node, settings.DrainGrace);
                if (options.ObserveStopSignals)
                    TellNodeOfStopSignals(system, node);
                if (settings.DrainAt is { } drainAt)
                    LeaveOnSchedule(system, drainAt);
            }
            await Task.WhenAny(up.Task, system.WhenTerminated).WaitAsync(options.StartTimeout, cancellationToken);
            if (!up.Task.IsCompleted)
            {
                if (security.Refusal(system, string.Join(", ", options.Seeds)) is { } refusal)
                    throw new CredentialRefusedException(refusal);
                throw new FarmUnavailableException($"the farm process stopped before it joined its cluster ({CoordinatedShutdown.Get(system).ShutdownReason})");
            }
            return new FarmHost(system, new FarmClient(new LocalFarmEndpoint(gateway)), node, nodeName, slots, stateLock, security);
        }
        catch (Exception e) when (e is not (FarmUnavailableException or CredentialRefusedException) && security.Refusal(system, string.Join(", ", options.Seeds)) is { } refusal)
        {
            // Akka stopped the system under our feet (creating the next actor failed): say why.
            await system.Terminate();
            throw new CredentialRefusedException(refusal);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    private static IActorRef StartDirectory(ActorSystem system, FarmOptions options)
    {
        const string name = "job-directory";
        if (options.HasRole(FarmOptions.CoordinatorRole))
        {
            system.ActorOf(ClusterSingletonManager.Props(JobDirectory.Props(), PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(FarmOptions.CoordinatorRole)), name);
        }
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{name}",
            ClusterSingletonProxySettings.Create(system).WithRole(FarmOptions.CoordinatorRole)), name + "-proxy");
    }

    private static Task<IActorRef> StartJobRegion(ActorSystem system, FarmOptions options, JobEntitySettings settings, IActorRef directory)
    {
        var sharding = ClusterSharding.Get(system);
        var extractor = new JobMessageExtractor(settings.NumberOfShards);
        if (!options.HasRole(FarmOptions.CoordinatorRole))
            return sharding.StartProxyAsync("job", FarmOptions.CoordinatorRole, extractor);
        return sharding.StartAsync("job", jobId => JobEntity.Props(jobId, settings, directory),
            ClusterShardingSettings.Create(system).WithRole(FarmOptions.CoordinatorRole), extractor,
            new NeverRebalanceStrategy(), handOffStopMessage: JobEntity.HandOff.Instance);
    }

    /// <summary>
    /// The farm's own executor ends with the farm: once the node has drained and left, every
    /// process its tasks left behind (a daemon, a <c>setsid</c> grandchild that escaped nothing
    /// else) is killed, so no task process outlives its farm. A host's own executor is the host's to dispose.
    /// </summary>
    private static TaskExecutor OwnedExecutor(ActorSystem system, TaskHandlerRegistry handlers)
    {
        var makeTrees = TaskTrees.Factory(system.Settings.Config.GetString("actorfarm.node.process-trees", TaskTrees.AutoSetting));
        var executor = new TaskExecutor(handlers, () =>
        {
            var trees = makeTrees();
            system.Log.Info("Task processes are kept in trees by {0}", trees.Description);
            return trees;
        });
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "end-task-processes", async () =>
        {
            await executor.DisposeAsync();
            return Akka.Done.Instance;
        });
        return executor;
    }

    /// <summary>
    /// A worker node that leaves (dispose, SIGTERM, end of allocation) first stops taking tasks,
    /// gives back the queued ones and lets the running ones finish within the grace: nothing it
    /// held is lost, and little is run twice.
    /// </summary>
    private static void DrainBeforeLeaving(ActorSystem system, IActorRef node, TimeSpan grace) =>
        WaitBeforeLeaving(system, "drain-node",
            () => node.Ask<NodeSupervisor.Drained>(new NodeSupervisor.Drain(grace), grace + TimeSpan.FromSeconds(5)),
            "The node did not drain in time; tasks it still held run again elsewhere.");

    /// <summary>
    /// SIGTERM or SIGINT reach the node supervisor at once, ahead of the coordinated shutdown the
    /// host starts for them: the same signal may be killing the node's tasks right now. The
    /// handlers only listen (they never cancel the signal's default action).
    /// </summary>
    private static void TellNodeOfStopSignals(ActorSystem system, IActorRef node)
    {
        var registrations = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => node.Tell(NodeSupervisor.StopSignalled.Instance)))
            .ToArray();
        system.WhenTerminated.ContinueWith(_ =>
        {
            foreach (var registration in registrations) registration.Dispose();
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// A coordinator node that leaves first waits, up to the worker nodes' drain grace, until no
    /// worker node holds a lease of its jobs: when a whole allocation is signalled at once (plain
    /// scancel, time limit) the workers' last results still reach the journal instead of running
    /// again next time. Embedded farms (grace 0) do not wait.
    /// </summary>
    private static void AwaitWorkerDrainsBeforeLeaving(ActorSystem system, IActorRef jobs, TimeSpan workerGrace)
    {
        if (workerGrace <= TimeSpan.Zero) return;
        // Margin over the workers' grace: their last result batch and its acknowledgement.
        var patience = workerGrace + TimeSpan.FromSeconds(3);
        WaitBeforeLeaving(system, "await-worker-drains", async () =>
            {
                var state = await jobs.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
                await Task.WhenAll(state.Shards.SelectMany(shard => shard.EntityIds)
                    .Select(jobId => jobs.Ask<NodesDrained>(new AwaitNodesDrained(jobId), patience)));
            },
            $"Worker nodes still held tasks after {patience}; those run again when the jobs resume.");
    }

    /// <summary>
    /// A bounded wait in the shutdown phase <c>service-requests-done</c>: a wait that times out
    /// is logged, never fatal, so the node still leaves.
    /// </summary>
    private static void WaitBeforeLeaving(ActorSystem system, string taskName, Func<Task> wait, string onTimeout) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, taskName, async () =>
        {
            try
            {
                await wait();
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                system.Log.Warning(onTimeout);
            }
            return Akka.Done.Instance;
        });

    /// <summary>Why a node with <see cref="FarmOptions.LeaveAt"/> left: its time was up, as planned.</summary>
    public sealed class ScheduledLeaveReason : CoordinatedShutdown.Reason
    {
        public static readonly ScheduledLeaveReason Instance = new();

        private ScheduledLeaveReason()
        {
        }

        public override int ExitCode => 0;
    }

    /// <summary>Whether the node left because its <see cref="FarmOptions.LeaveAt"/> came.</summary>
    public bool LeftOnSchedule => CoordinatedShutdown.Get(System).ShutdownReason is ScheduledLeaveReason;

    private static void LeaveOnSchedule(ActorSystem system, DateTimeOffset drainAt)
    {
        var delay = drainAt - DateTimeOffset.UtcNow;
        var shutdown = CoordinatedShutdown.Get(system);
        if (delay <= TimeSpan.Zero)
        {
            shutdown.Run(ScheduledLeaveReason.Instance);
            return;
        }
        system.Scheduler.Advanced.ScheduleOnce(delay, () => shutdown.Run(ScheduledLeaveReason.Instance));
    }

    /// <summary>Leaves the cluster and stops the actor system (coordinated shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await System.WhenTerminated;
        // Released here too, not only by the continuation: whoever disposed the farm may start
        // another on the same state directory right away.
        _stateLock?.Dispose();
        if (_journalLease is not null) await _journalLease.DisposeAsync();
    }
}
