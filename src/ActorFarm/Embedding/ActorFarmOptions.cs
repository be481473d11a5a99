using ActorFarm.Coordinator;
using ActorFarm.Node.Execution;
using ActorFarm.Persistence;

namespace ActorFarm.Embedding;

/// <summary>
/// How the farm's actors run inside an actor system: the options of
/// <see cref="ActorFarmHostingExtensions.WithActorFarm"/>, and what a standalone
/// <see cref="Hosting.FarmHost"/> derives from its <see cref="Hosting.FarmOptions"/>. Which parts
/// start follows the member's cluster roles: the job directory singleton, the job region and the
/// journal on <see cref="CoordinatorRole"/> members, a node supervisor running tasks on
/// <see cref="WorkerRole"/> members, and on every member the gateway clients talk to.
/// </summary>
public sealed record ActorFarmOptions
{
    /// <summary>The cluster role of members that hold jobs and their journal (default <c>coordinator</c>).</summary>
    public string CoordinatorRole { get; init; } = Hosting.FarmOptions.CoordinatorRole;

    /// <summary>The cluster role of members that run tasks (default <c>worker</c>).</summary>
    public string WorkerRole { get; init; } = Hosting.FarmOptions.WorkerRole;

    /// <summary>The job region's type name in Cluster Sharding (default <c>job</c>); the same on every member.</summary>
    public string JobRegionName { get; init; } = "job";

    /// <summary>The job directory singleton's actor name under <c>/user</c> (its proxy gets <c>-proxy</c>).</summary>
    public string DirectoryName { get; init; } = "job-directory";

    /// <summary>
    /// The gateway's actor name under <c>/user</c> (default <c>farm-gateway</c>). Clients outside the
    /// cluster address it by this name (<see cref="Hosting.FarmConnectionOptions.GatewayName"/>).
    /// </summary>
    public string GatewayName { get; init; } = FarmGateway.Name;

    /// <summary>The node supervisor's actor name under <c>/user</c> on worker members.</summary>
    public string NodeActorName { get; init; } = "node";

    /// <summary>The name written into results for this member's tasks; default: host name and port.</summary>
    public string? NodeName { get; init; }

    /// <summary>Worker slots of this member; null takes <c>actorfarm.node.slots</c> (0 = processor count).</summary>
    public int? Slots { get; init; }

    /// <summary>In-process handlers tasks may use on this member (default: <c>noop</c> and <c>sleep</c>).</summary>
    public TaskHandlerRegistry? Handlers { get; init; }

    /// <summary>
    /// Where the farm's journal lives: Akka.Persistence.Sql plugin ids (default: the plugin's own,
    /// <c>akka.persistence.journal.sql</c> and so on). The farm's actors name these plugins
    /// explicitly, so the service's default journal plugin stays whatever the service chose.
    /// </summary>
    public JournalPlugins Journal { get; init; } = JournalPlugins.Sql;

    /// <summary>
    /// Whether the farm configures its journal plugins itself (default): SQLite in
    /// <see cref="StateDirectory"/>, or PostgreSQL with <see cref="PostgresConnectionString"/>, added
    /// below the service's own configuration (a value the service sets for those plugins wins).
    /// Off: the service configures the Akka.Persistence.Sql plugins named in <see cref="Journal"/>.
    /// </summary>
    public bool ConfigureJournal { get; init; } = true;

    /// <summary>The directory of the farm's SQLite journal (locked while this member uses it).</summary>
    public string StateDirectory { get; init; } = ".actorfarm";

    /// <summary>A PostgreSQL connection string switches the farm's journal from SQLite to PostgreSQL.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>
    /// Whether coordinator members offer the gateway to clients outside the cluster through the
    /// ClusterClient receptionist (default on), so <c>actorfarm submit</c> and
    /// <see cref="FarmClientServiceExtensions.AddActorFarmClient(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/> reach the farm.
    /// </summary>
    public bool OfferToClusterClients { get; init; } = true;

    /// <summary>Replaces the task executor (a host's own executor; tests inject faults through it).</summary>
    internal Node.ITaskExecutor? Executor { get; init; }

    /// <summary>When this member must be gone (a standalone node at the end of its allocation).</summary>
    internal DateTimeOffset? LeaveAt { get; init; }

    /// <summary>Tell the node supervisor of SIGTERM/SIGINT at once (programs that stop on them: the CLI).</summary>
    internal bool ObserveStopSignals { get; init; }
}
