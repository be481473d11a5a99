using ActorFarm.Node.Execution;
using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.Hosting;

/// <summary>How to start a farm process. The defaults give the embedded single-node farm:
/// all roles, a cluster of one joined to itself, the SQLite journal in <see cref="StateDirectory"/>.</summary>
public sealed record FarmOptions
{
    /// <summary>The cluster role of the nodes that hold jobs (job entities, the job directory, the gateway).</summary>
    public const string CoordinatorRole = "coordinator";

    /// <summary>The cluster role of the nodes that run tasks.</summary>
    public const string WorkerRole = "worker";

    /// <summary>Where the embedded SQLite journal lives.</summary>
    public string StateDirectory { get; init; } = ".actorfarm";

    /// <summary>The actor system's name; every node of one farm must use the same.</summary>
    public string SystemName { get; init; } = "actorfarm";

    /// <summary>The address remoting binds to. Loopback unless told otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Seed node addresses (<c>akka.tcp://actorfarm@host:port</c>); none means a cluster of one.</summary>
    public string[] Seeds { get; init; } = [];

    /// <summary>This node's cluster roles: <see cref="CoordinatorRole"/>, <see cref="WorkerRole"/>, or both (the default).</summary>
    public string[] Roles { get; init; } = [CoordinatorRole, WorkerRole];

    /// <summary>Worker slots on this node; null takes <c>actorfarm.node.slots</c> (0 = processor count).</summary>
    public int? Slots { get; init; }

    /// <summary>The name written into results; default: host name and port.</summary>
    public string? NodeName { get; init; }

    /// <summary>A PostgreSQL connection string switches the journal from SQLite to PostgreSQL.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>In-process handlers available to tasks (default: noop and sleep).</summary>
    public TaskHandlerRegistry? Handlers { get; init; }

    /// <summary>
    /// Handler assemblies to load (paths to their .dll; <c>actorfarm node --handlers</c>): each in
    /// a load context of its own with its dependencies (from its .deps.json and folder), ActorFarm,
    /// Akka and the framework shared with the host. Their handlers are added to <see cref="Handlers"/>
    /// (or the built-ins) before anything starts; a problem with one is a
    /// <see cref="HandlerAssemblyException"/>. Not used with an <see cref="Executor"/> of the host's.
    /// </summary>
    public IReadOnlyList<string> HandlerAssemblies { get; init; } = [];

    /// <summary>Replaces the default task executor (tests inject faults through this).</summary>
    internal Node.ITaskExecutor? Executor { get; init; }

    /// <summary>
    /// Who may reach this process. Default (null): a cluster of one (no <see cref="Seeds"/>) uses a
    /// credential that never leaves the process; a cluster node uses the access file
    /// <c>&lt;StateDirectory&gt;/access.pem</c>, created when missing. A TLS setup in
    /// <see cref="Config"/> takes precedence.
    /// </summary>
    public FarmAccess? Access { get; init; }

    /// <summary>The access rule in force (see <see cref="Access"/>).</summary>
    public FarmAccess EffectiveAccess => Access ?? (Seeds.Length == 0
        ? new FarmAccess.InProcess()
        : new FarmAccess.FromFile(FarmAccess.DefaultPath(StateDirectory), CreateIfMissing: true));

    /// <summary>Highest-precedence configuration, e.g. <c>akka.actor.serialize-messages = on</c>.</summary>
    public Config? Config { get; init; }

    /// <summary>
    /// When this node must be gone (the end of a SLURM allocation). It then leaves by itself in
    /// time to drain (drain grace plus a margin before), and never starts a task whose job's
    /// <c>expected-duration</c> would run past it.
    /// </summary>
    public DateTimeOffset? LeaveAt { get; init; }

    /// <summary>
    /// Tell the worker node the moment this process receives SIGTERM or SIGINT (it only listens:
    /// whoever handles the signal still decides what happens). A signal meant for the whole farm
    /// reaches its tasks too; knowing of it at once, the node gives back the tasks it killed
    /// instead of reporting them as failed. For programs that shut the farm down on those
    /// signals, as the CLI does.
    /// </summary>
    public bool ObserveStopSignals { get; init; }

    /// <summary>How long start-up may take (joining the cluster) before it fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether <see cref="Roles"/> holds <paramref name="role"/> (case-insensitive).</summary>
    public bool HasRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}
