using ActorFarm.Embedding;
using ActorFarm.Node.Execution;
using ActorFarm.Persistence;
using ActorFarm.Security;
using Akka.Actor;
using Akka.Event;
using Akka.Actor.Setup;
using Akka.Cluster;

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
        RemotingSecurity security, IReadOnlyList<string> handlers)
    {
        Handlers = handlers;
        _stateLock = stateLock;
        Security = security;
        System = system;
        Client = client;
        Node = node;
        NodeName = nodeName;
        Slots = slots;
    }

    /// <summary>The farm's actor system (this process's cluster member).</summary>
    public ActorSystem System { get; }

    /// <summary>A client of this farm, in this process; disposed with the host.</summary>
    public FarmClient Client { get; }

    /// <summary>The node supervisor, when this process has the worker role.</summary>
    public IActorRef? Node { get; }

    /// <summary>The name this node writes into results (<see cref="FarmOptions.NodeName"/>, or host and port).</summary>
    public string NodeName { get; }

    /// <summary>Worker slots of this node (0 without the worker role).</summary>
    public int Slots { get; }

    /// <summary>The in-process handlers this node runs, sorted ordinally (none without the worker role).</summary>
    public IReadOnlyList<string> Handlers { get; }

    /// <summary>The handler assemblies loaded from <see cref="FarmOptions.HandlerAssemblies"/>, and what each gave.</summary>
    public IReadOnlyList<HandlerAssembly> HandlerAssemblies { get; private set; } = [];

    /// <summary>This node's cluster address (host and port it listens on).</summary>
    public Address Address => Cluster.Get(System).SelfAddress;

    /// <summary>How this process authenticates its peers (see <see cref="FarmOptions.Access"/>).</summary>
    internal RemotingSecurity Security { get; }

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
    /// <exception cref="HandlerAssemblyException">A handler assembly cannot be used (checked first: nothing has started).</exception>
    public static async Task<FarmHost> StartAsync(FarmOptions options, CancellationToken cancellationToken = default)
    {
        // First: a bad handler assembly is the user's to fix, and nothing (no lock, no access file) is left behind.
        IReadOnlyList<HandlerAssembly> handlerAssemblies = [];
        if (options.HandlerAssemblies.Count > 0)
        {
            var handlers = (options.Handlers ?? TaskHandlerRegistry.CreateDefault()).Copy();
            handlerAssemblies = ActorFarm.Node.Execution.HandlerAssemblies.LoadInto(handlers, options.HandlerAssemblies);
            options = options with { Handlers = handlers };
        }
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
            host.HandlerAssemblies = handlerAssemblies;
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
        PostgresFarmLease.IdentityFromSeeds(options.Seeds) ?? $"{Environment.MachineName}:standalone";

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
        var system = security.CreateSystem(options.SystemName, config, SqliteBusyWait.SetupFor(config));
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
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            if (options.Seeds.Length == 0)
                cluster.Join(cluster.SelfAddress);

            var farm = await FarmActors.StartAsync(system, ActorOptions(options));
            await Task.WhenAny(up.Task, system.WhenTerminated).WaitAsync(options.StartTimeout, cancellationToken);
            if (!up.Task.IsCompleted)
            {
                if (security.Refusal(system, string.Join(", ", options.Seeds)) is { } refusal)
                    throw new CredentialRefusedException(refusal);
                throw new FarmUnavailableException($"the farm process stopped before it joined its cluster ({CoordinatedShutdown.Get(system).ShutdownReason})");
            }
            var handlerNames = farm.Node is null ? [] : (options.Handlers ?? TaskHandlerRegistry.CreateDefault()).Names;
            return new FarmHost(system, new FarmClient(new LocalFarmEndpoint(farm.Gateway)), farm.Node, farm.NodeName, farm.Slots, stateLock, security,
                handlerNames);
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

    /// <summary>
    /// The farm's actors of a standalone process: the roles come from <see cref="FarmOptions.Roles"/>
    /// (written into the cluster's configuration), the journal is the process's default plugin.
    /// </summary>
    private static ActorFarmOptions ActorOptions(FarmOptions options) => new()
    {
        NodeName = options.NodeName,
        Slots = options.Slots,
        Handlers = options.Handlers,
        Executor = options.Executor,
        LeaveAt = options.LeaveAt,
        ObserveStopSignals = options.ObserveStopSignals,
    };

    /// <summary>Why a node with <see cref="FarmOptions.LeaveAt"/> left: its time was up, as planned.</summary>
    internal sealed class ScheduledLeaveReason : CoordinatedShutdown.Reason
    {
        public static readonly ScheduledLeaveReason Instance = new();

        private ScheduledLeaveReason()
        {
        }

        public override int ExitCode => 0;
    }

    /// <summary>Whether the node left because its <see cref="FarmOptions.LeaveAt"/> came.</summary>
    public bool LeftOnSchedule => CoordinatedShutdown.Get(System).ShutdownReason is ScheduledLeaveReason;

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
