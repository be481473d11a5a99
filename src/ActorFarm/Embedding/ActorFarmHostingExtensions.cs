using ActorFarm.Hosting;
using ActorFarm.Persistence;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorFarm.Embedding;

/// <summary>The farm as a feature of an Akka.Hosting service (see docs/embedding.md).</summary>
public static class ActorFarmHostingExtensions
{
    /// <summary>
    /// Runs the farm inside the service's own actor system, which must be a cluster member
    /// (<c>WithClustering</c>): on members with the coordinator role the job directory singleton,
    /// the job region and the journal; on members with the worker role a node running tasks; on
    /// every member the gateway, registered in the <c>ActorRegistry</c> as
    /// <see cref="FarmGatewayKey"/> (and the region as <see cref="FarmJobRegionKey"/>, the node as
    /// <see cref="FarmNodeKey"/>). <see cref="FarmClientServiceExtensions.AddActorFarmClient(IServiceCollection)"/>
    /// registers the <see cref="IFarmClient"/> talking to that gateway (Akka.Hosting's builder does
    /// not let an extension add services), and an actor holding the gateway gets one with
    /// <see cref="FarmClient.ForGateway"/>.
    /// </summary>
    /// <remarks>
    /// The farm's configuration (its serializers, <c>actorfarm.*</c> defaults and, unless
    /// <see cref="ActorFarmOptions.ConfigureJournal"/> is off, its journal plugins) is added below
    /// the service's: a value the service sets wins, and nothing of the service's cluster,
    /// remoting, persistence or shutdown settings is changed. The job region gets the farm's
    /// sharding settings in code, not through <c>akka.cluster.sharding</c>. The service's
    /// coordinated shutdown drains the worker node and waits for the workers' drains on a
    /// coordinator, within the service's <c>service-requests-done</c> phase timeout.
    /// </remarks>
    /// <exception cref="ArgumentException">The farm is asked to configure a journal at plugin ids other than Akka.Persistence.Sql's own.</exception>
    public static AkkaConfigurationBuilder WithActorFarm(this AkkaConfigurationBuilder builder, ActorFarmOptions? options = null)
    {
        options ??= new ActorFarmOptions();
        var farmConfig = FarmConfig.Library();
        if (options.ConfigureJournal)
        {
            if (options.Journal != JournalPlugins.Sql)
                throw new ArgumentException(
                    "the farm configures its own journal only at Akka.Persistence.Sql's plugin ids; with other plugin ids, configure those plugins in the service and set ConfigureJournal = false",
                    nameof(options));
            farmConfig = FarmConfig.Journal(options.StateDirectory, options.PostgresConnectionString).WithFallback(farmConfig);
        }
        builder.AddHocon(farmConfig, HoconAddMode.Append);
        builder.StartActors(async (system, registry) =>
        {
            // The farm runs commands for whoever reaches this actor system: say it loudly when the
            // service's remoting lets anybody in (docs/security.md, docs/embedding.md).
            if (!ClusterAddress.UsesTls(system.Settings.Config))
                Akka.Event.LoggingExtensions.Warning(system.Log,
                    Security.RemotingSecurity.InsecureWarning(Cluster.Get(system).SelfAddress.ToString()) +
                    " The farm is embedded in this service's actor system, whose remoting has no TLS: secure it (docs/embedding.md).");
            if (options.ConfigureJournal && Cluster.Get(system).SelfRoles.Contains(options.CoordinatorRole))
                await EmbeddedJournal.PrepareAsync(system, options);
            var farm = await FarmActors.StartAsync(system, options);
            registry.Register<FarmJobRegionKey>(farm.Jobs);
            if (farm.Node is not null)
                registry.Register<FarmNodeKey>(farm.Node);
            // Last: whoever waits for the gateway finds the rest registered.
            registry.Register<FarmGatewayKey>(farm.Gateway);
        });
        return builder;
    }
}
