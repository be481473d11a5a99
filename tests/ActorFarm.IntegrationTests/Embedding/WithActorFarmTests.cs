using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using ActorFarm.Testing.Embedding;

namespace ActorFarm.IntegrationTests.Embedding;

/// <summary>The farm inside a service's own actor system (Akka.Hosting, <c>WithActorFarm</c>).</summary>
public class WithActorFarmTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_service_actor_runs_a_job_on_the_farm_in_its_own_actor_system_and_the_host_stops_with_nothing_lost()
    {
        using var state = new TempDirectory("actorfarm-svc-state");
        using var output = new TempDirectory("actorfarm-svc-out");
        var spec = Specs.Handler("in-service", "noop", 500, output.Path);
        using var host = ServiceHost.Build(FreePort.Next(),
            farm: new ActorFarmOptions { StateDirectory = state.Path, Slots = 2, NodeName = "svc-node" }, spec: spec);

        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var runner = await registry.GetAsync<JobRunnerActor>();
        var status = await runner.Ask<JobStatusReport>(new JobRunnerActor.Run(), JobTimeout);

        Assert.Equal(JobPhase.Finished, status.Phase);
        Assert.Equal(500, status.Succeeded);
        // The farm is one of the service's actors, not a second actor system.
        Assert.Equal(ServiceHost.SystemName, system.Name);
        Assert.Equal(system.Name, (await registry.GetAsync<FarmGatewayKey>()).Path.Address.System);
        var rows = ResultsFile.Read(status.ResultsFile!);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));

        await host.StopAsync();

        Assert.True(system.WhenTerminated.IsCompleted);
        // The journal holds every task once; nothing was left half-done by the stop.
        var journaled = JournalPeek.RecordedOutcomes(SqliteJournal.DatabasePath(state.Path));
        Assert.Equal(500, journaled.Count);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), journaled.Select(j => j.Index).Order());
    }

    [Fact]
    public async Task The_services_own_cluster_remote_persistence_and_shutdown_settings_survive_the_farm()
    {
        using var state = new TempDirectory("actorfarm-svc-state");
        var serviceConfig = ConfigurationFactory.ParseString("""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 7s
            akka.cluster.failure-detector.heartbeat-interval = 900ms
            akka.cluster.sharding.role = "svc"
            akka.cluster.sharding.remember-entities = off
            akka.cluster.singleton.hand-over-retry-interval = 1s
            akka.remote.dot-netty.tcp.maximum-frame-size = 256000b
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.coordinated-shutdown.phases.service-requests-done.timeout = 9s
            """);
        using var host = ServiceHost.Build(FreePort.Next(), serviceConfig,
            new ActorFarmOptions { StateDirectory = state.Path, Slots = 1, NodeName = "svc-node" });

        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var config = system.Settings.Config;
            Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
            Assert.Equal(TimeSpan.FromMilliseconds(900), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
            Assert.Equal("svc", config.GetString("akka.cluster.sharding.role"));
            Assert.False(config.GetBoolean("akka.cluster.sharding.remember-entities"));
            Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.cluster.singleton.hand-over-retry-interval"));
            Assert.Equal(256_000, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
            Assert.Equal("akka.persistence.journal.inmem", config.GetString("akka.persistence.journal.plugin"));
            Assert.Equal(TimeSpan.FromSeconds(9), config.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout"));
            // What the standalone farm sets for its own process (standalone.hocon) stays out of a service.
            Assert.NotEqual("farm-remote-dispatcher", config.GetString("akka.remote.use-dispatcher", ""));
            Assert.NotEqual("farm-cluster-dispatcher", config.GetString("akka.cluster.use-dispatcher", ""));
            Assert.Empty(config.GetStringList("akka.persistence.journal.auto-start-journals") ?? []);

            // The farm's own serializers and defaults are there, and its region has its own settings.
            Assert.IsType<HyperionWireSerializer>(system.Serialization.FindSerializerForType(typeof(SubmitJob)));
            Assert.Equal(32, config.GetInt("actorfarm.jobs.number-of-shards"));
            var region = FarmActors.JobRegionSettings(system, new ActorFarmOptions());
            Assert.Equal(FarmOptions.CoordinatorRole, region.Role);
            Assert.True(region.RememberEntities);
            Assert.Equal(StateStoreMode.DData, region.StateStoreMode);
            Assert.Equal(RememberEntitiesStore.Eventsourced, region.RememberEntitiesStore);
            Assert.Equal("akka.persistence.journal.sql", region.JournalPluginId);
            // The farm's gateway answers in the service's actor system.
            Assert.Empty(await host.Services.GetRequiredService<IFarmClient>().ListAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
