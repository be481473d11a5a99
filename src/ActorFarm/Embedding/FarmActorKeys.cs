namespace ActorFarm.Embedding;

/// <summary>
/// Akka.Hosting <c>ActorRegistry</c> key of the farm's gateway, the actor every client message goes
/// to (<c>registry.Get&lt;FarmGatewayKey&gt;()</c>, <c>IRequiredActor&lt;FarmGatewayKey&gt;</c>).
/// Registered on every member by <see cref="ActorFarmHostingExtensions.WithActorFarm"/>.
/// </summary>
public sealed class FarmGatewayKey
{
    private FarmGatewayKey()
    {
    }
}

/// <summary>Akka.Hosting <c>ActorRegistry</c> key of the farm's job region (Cluster Sharding; a proxy on non-coordinator members).</summary>
public sealed class FarmJobRegionKey
{
    private FarmJobRegionKey()
    {
    }
}

/// <summary>Akka.Hosting <c>ActorRegistry</c> key of the farm's node supervisor, registered on worker members only.</summary>
public sealed class FarmNodeKey
{
    private FarmNodeKey()
    {
    }
}
