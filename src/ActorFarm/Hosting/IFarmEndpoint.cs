using ActorFarm.Coordinator;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorFarm.Hosting;

/// <summary>How a <see cref="FarmClient"/> reaches the farm's gateway: in process, or through ClusterClient.</summary>
internal interface IFarmEndpoint
{
    Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The gateway of this very process (embedded farm, a farm node embedding the client).</summary>
internal sealed class LocalFarmEndpoint(IActorRef gateway) : IFarmEndpoint
{
    public Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken) =>
        gateway.Ask<T>(message, timeout, cancellationToken);
}

/// <summary>
/// A farm reached from outside the cluster: every message goes through Akka's ClusterClient to
/// the gateway on some coordinator node, and the answer comes back through the receptionist.
/// The client process never joins the cluster.
/// </summary>
internal sealed class ClusterClientFarmEndpoint(IActorRef clusterClient) : IFarmEndpoint
{
    public Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken) =>
        clusterClient.Ask<T>(new ClusterClient.Send(FarmGateway.Path, message, localAffinity: false), timeout, cancellationToken);
}
