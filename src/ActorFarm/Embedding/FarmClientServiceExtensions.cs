using ActorFarm.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorFarm.Embedding;

/// <summary>A farm on another cluster, for a service that is not one of its members (see docs/embedding.md).</summary>
public static class FarmClientServiceExtensions
{
    /// <summary>
    /// Registers <see cref="IFarmClient"/> for the farm inside this service's own actor system
    /// (<see cref="ActorFarmHostingExtensions.WithActorFarm"/>): it talks to the local gateway, found
    /// in Akka.Hosting's registry on its first call (which waits until the farm has started).
    /// </summary>
    public static IServiceCollection AddActorFarmClient(this IServiceCollection services)
    {
        services.AddSingleton<IFarmClient>(sp => new FarmClient(new RegistryFarmEndpoint(sp.GetRequiredService<IRequiredActor<FarmGatewayKey>>())));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IFarmClient"/> for a farm reached from outside its cluster through
    /// ClusterClient, as <c>actorfarm submit</c> reaches it: <see cref="FarmConnectionOptions.Contacts"/>
    /// are its seeds or coordinators, and <see cref="FarmConnectionOptions.Access"/> its access file
    /// (secure by default: <c>.actorfarm/access.pem</c>, which must exist). The client has its own
    /// small actor system, connects on its first call and disconnects when the container is disposed.
    /// The same service code works against a farm inside the service
    /// (<see cref="ActorFarmHostingExtensions.WithActorFarm"/> with <see cref="AddActorFarmClient(IServiceCollection)"/>).
    /// </summary>
    public static IServiceCollection AddActorFarmClient(this IServiceCollection services, FarmConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IFarmClient>(_ => new ConnectingFarmClient(options));
        return services;
    }
}
