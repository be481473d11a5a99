using ActorFarm.Coordinator;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;

namespace ActorFarm.Hosting;

/// <summary>
/// A running farm process: the embedded single-node farm, or one node of a cluster. Hosts (the
/// CLI, a service embedding the farm) start one, use <see cref="Client"/>, and dispose it to
/// leave the cluster cleanly.
/// </summary>
public sealed class FarmHost : IAsyncDisposable
{
    private FarmHost(ActorSystem system, FarmClient client, IActorRef? node, string nodeName)
    {
        System = system;
        Client = client;
        Node = node;
        NodeName = nodeName;
    }

    public ActorSystem System { get; }

    public FarmClient Client { get; }

    /// <summary>The node supervisor, when this process has the worker role.</summary>
    public IActorRef? Node { get; }

    public string NodeName { get; }

    public Address Address => Cluster.Get(System).SelfAddress;

    /// <summary>Starts the farm process and waits until it is a member of its cluster.</summary>
    public static async Task<FarmHost> StartAsync(FarmOptions options, CancellationToken cancellationToken = default)
    {
        if (options.PostgresConnectionString is null)
            SqliteJournal.Prepare(options.StateDirectory);

        var config = FarmConfig.Build(options);
        var system = ActorSystem.Create(options.SystemName, config);
        try
        {
            // Everything is started before the node joins: the journal's start-up (table check,
            // linq2db warm-up), the sharding extension's and the actors' then overlap with the
            // cluster join instead of following it. Singletons, shard regions and the node
            // supervisor wait for membership by themselves.
            Akka.Persistence.Persistence.Instance.Apply(system);
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            if (options.Seeds.Length == 0)
                cluster.Join(cluster.SelfAddress);

            var jobSettings = JobEntitySettings.From(system.Settings.Config);
            var directory = StartDirectory(system, options);
            var jobs = await StartJobRegion(system, options, jobSettings, directory);

            var nodeName = options.NodeName ?? $"{Environment.MachineName}:{cluster.SelfAddress.Port}";
            IActorRef? node = null;
            if (options.HasRole(FarmOptions.WorkerRole))
            {
                var settings = NodeSettings.From(system.Settings.Config, nodeName, options.Slots);
                var executor = options.Executor ?? new TaskExecutor(options.Handlers ?? TaskHandlerRegistry.CreateDefault());
                node = system.ActorOf(NodeSupervisor.Props(settings, directory, jobs, executor), "node");
            }
            await up.Task.WaitAsync(options.StartTimeout, cancellationToken);
            return new FarmHost(system, new FarmClient(system, jobs, directory), node, nodeName);
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
            ClusterShardingSettings.Create(system).WithRole(FarmOptions.CoordinatorRole), extractor);
    }

    /// <summary>Leaves the cluster and stops the actor system (coordinated shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await System.WhenTerminated;
    }
}
