using ActorFarm.Allocation;
using ActorFarm.Coordinator;
using ActorFarm.Embedding;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Node.Execution.Trees;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;

namespace ActorFarm.Hosting;

/// <summary>
/// The farm's actors in an actor system that is already running and a cluster member (or about to
/// be): the one piece a standalone <see cref="FarmHost"/> and a service's
/// <see cref="ActorFarmHostingExtensions.WithActorFarm"/> both use. What starts follows the
/// member's roles: on coordinators the job directory singleton, the job region and the journal
/// warm-up; on workers the node supervisor; on every member the gateway (with proxies to the
/// directory and the region where they are not local). Coordinated shutdown is taught the
/// farm's drain and hand-over (<see cref="FarmShutdown"/>). It never changes the system's
/// configuration: the job region and singletons get the farm's settings (job-region.hocon) in code.
/// </summary>
internal sealed record FarmActors(IActorRef Gateway, IActorRef Jobs, IActorRef Directory, IActorRef? Node, string NodeName, int Slots)
{
    public static async Task<FarmActors> StartAsync(ActorSystem system, ActorFarmOptions options)
    {
        var cluster = Cluster.Get(system);
        var coordinator = cluster.SelfRoles.Contains(options.CoordinatorRole);
        var config = system.Settings.Config;
        if (coordinator)
        {
            // The journal's start-up (linq2db compiling its queries) overlaps the cluster join
            // instead of delaying the job directory, which recovers only once the member is Up.
            system.ActorOf(JournalWarmup.Props(options.Journal), "actorfarm-journal-warmup");
        }
        var jobSettings = JobEntitySettings.From(config, options.Journal);
        var directory = StartDirectory(system, options, coordinator);
        var jobs = await StartJobRegion(system, options, coordinator, jobSettings, directory);
        var allocations = StartAllocationQueues(system, options, coordinator, directory, jobs);
        var gateway = system.ActorOf(FarmGateway.Props(jobs, directory, allocations, options.Journal.QueryPluginId), options.GatewayName);
        if (coordinator)
            FarmShutdown.AwaitWorkerDrainsBeforeLeaving(system, jobs, DrainTimings.From(config));
        if (options.OfferToClusterClients)
        {
            // Every member runs a receptionist, worker-only nodes too: a receptionist hands a
            // client up to number-of-contacts members as its contacts, picked by hashing, and a
            // client given only members without one (from 6 members on) never reached the farm.
            // Only coordinators, which have the journal, offer the gateway.
            var receptionist = ClusterClientReceptionist.Get(system);
            if (coordinator)
                receptionist.RegisterService(gateway);
        }

        var nodeName = options.NodeName ?? $"{Environment.MachineName}:{cluster.SelfAddress.Port}";
        IActorRef? node = null;
        var slots = 0;
        if (cluster.SelfRoles.Contains(options.WorkerRole))
        {
            var executor = options.Executor ?? OwnedExecutor(system, options.Handlers ?? TaskHandlerRegistry.CreateDefault());
            var settings = NodeSettings.From(config, nodeName, options.Slots, options.LeaveAt) with
            {
                // Advertised to the directory: jobs needing another handler are never offered here.
                Handlers = (executor as TaskExecutor)?.Handlers.Names.ToHashSet(StringComparer.Ordinal),
            };
            slots = settings.Slots;
            node = system.ActorOf(NodeSupervisor.Props(settings, directory, jobs, executor), options.NodeActorName);
            FarmShutdown.DrainBeforeLeaving(system, node, settings);
            if (options.ObserveStopSignals)
                FarmShutdown.TellNodeOfStopSignals(system, node);
            if (settings.DrainAt is { } drainAt)
                FarmShutdown.LeaveOnSchedule(system, drainAt);
        }
        return new FarmActors(gateway, jobs, directory, node, nodeName, slots);
    }

    private static IActorRef StartDirectory(ActorSystem system, ActorFarmOptions options, bool coordinator) =>
        StartSingleton(system, options, coordinator, options.DirectoryName, "job directory", () => JobDirectory.Props(options.Journal));

    /// <summary>
    /// The allocation queues (automatic SLURM allocations), a singleton beside the directory: it
    /// runs sbatch, squeue and scancel where it lives, so on a coordinator (e.g. the login node).
    /// </summary>
    private static IActorRef StartAllocationQueues(ActorSystem system, ActorFarmOptions options, bool coordinator,
        IActorRef directory, IActorRef jobs) =>
        StartSingleton(system, options, coordinator, options.DirectoryName + "-allocations", "allocation queues",
            () => AllocationQueues.Props(AllocationSettings.From(system.Settings.Config), directory, jobs, options.Journal));

    /// <summary>
    /// A farm singleton on the coordinator role: its manager on coordinators (with the farm's
    /// singleton settings from job-region.hocon) over a <see cref="RestartingSingleton"/> that starts
    /// it again after a journal failure, and on every member a proxy, which is returned.
    /// </summary>
    private static IActorRef StartSingleton(ActorSystem system, ActorFarmOptions options, bool coordinator, string name, string what,
        Func<Props> props)
    {
        var farm = JobRegionConfig;
        if (coordinator)
        {
            var managerSettings = ClusterSingletonManagerSettings.Create(
                    farm.GetConfig("singleton").WithFallback(system.Settings.Config.GetConfig("akka.cluster.singleton")))
                .WithRole(options.CoordinatorRole);
            var restarts = RestartingSingleton.RestartSettings.From(farm.GetConfig("singleton-restart"));
            system.ActorOf(ClusterSingletonManager.Props(RestartingSingleton.Props(props(), name, what, restarts), PoisonPill.Instance,
                managerSettings), name);
        }
        var proxySettings = ClusterSingletonProxySettings.Create(system)
            .WithSingletonIdentificationInterval(farm.GetTimeSpan("singleton-proxy.singleton-identification-interval"))
            .WithRole(options.CoordinatorRole);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{name}", proxySettings), name + "-proxy");
    }

    private static Task<IActorRef> StartJobRegion(ActorSystem system, ActorFarmOptions options, bool coordinator,
        JobEntitySettings settings, IActorRef directory)
    {
        var sharding = ClusterSharding.Get(system);
        var extractor = new JobMessageExtractor(settings.NumberOfShards);
        if (!coordinator)
            return sharding.StartProxyAsync(options.JobRegionName, options.CoordinatorRole, extractor);
        return sharding.StartAsync(options.JobRegionName, jobId => JobEntity.Props(jobId, settings, directory),
            JobRegionSettings(system, options), extractor, new NeverRebalanceStrategy(), handOffStopMessage: JobEntity.HandOff.Instance);
    }

    /// <summary>The job region's sharding settings: the farm's (job-region.hocon) over the system's <c>akka.cluster.sharding</c>.</summary>
    internal static ClusterShardingSettings JobRegionSettings(ActorSystem system, ActorFarmOptions options)
    {
        var systemConfig = system.Settings.Config;
        var sharding = JobRegionConfig.GetConfig("region").WithFallback(systemConfig.GetConfig("akka.cluster.sharding"));
        var singleton = JobRegionConfig.GetConfig("singleton")
            .WithFallback(systemConfig.GetConfig(sharding.GetString("coordinator-singleton", "akka.cluster.singleton")));
        return ClusterShardingSettings.Create(sharding, singleton)
            .WithRole(options.CoordinatorRole)
            .WithJournalPluginId(options.Journal.JournalPluginId)
            .WithSnapshotPluginId(options.Journal.SnapshotPluginId);
    }

    private static Config JobRegionConfig => FarmConfig.Embedded("job-region.hocon");

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
}
