using ActorFarm.Coordinator;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorFarm.Hosting;

/// <summary>How a <see cref="FarmClient"/> reaches the farm's gateway: in process, or through ClusterClient.</summary>
internal interface IFarmEndpoint
{
    Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// After how long without any answer the farm counts as gone (a remote farm); null when it
    /// cannot be gone while the caller runs (the farm of this very process).
    /// </summary>
    TimeSpan? FarmLostAfter { get; }

    /// <summary>Names the farm in error messages.</summary>
    string Description { get; }
}

/// <summary>The gateway of this very process (embedded farm, a farm node embedding the client).</summary>
internal sealed class LocalFarmEndpoint(IActorRef gateway) : IFarmEndpoint
{
    public Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken) =>
        gateway.Ask<T>(message, timeout, cancellationToken);

    public TimeSpan? FarmLostAfter => null;

    public string Description => "the farm of this process";
}

/// <summary>
/// A farm reached from outside the cluster: every message goes through Akka's ClusterClient to
/// the gateway on some coordinator node, and the answer comes back through the receptionist.
/// The client process never joins the cluster. The ClusterClient stops itself when no contact
/// point has answered for its reconnect-timeout (set to <see cref="FarmLostAfter"/>); from then
/// on every call fails at once with <see cref="FarmUnavailableException"/> instead of timing out.
/// </summary>
internal sealed class ClusterClientFarmEndpoint : IFarmEndpoint
{
    private readonly IActorRef _clusterClient;
    private readonly string _gatewayPath;
    private readonly Task _clientStopped;

    public ClusterClientFarmEndpoint(IActorRef clusterClient, string gatewayPath, string contacts, TimeSpan farmLostAfter)
    {
        _clusterClient = clusterClient;
        _gatewayPath = gatewayPath;
        _clientStopped = clusterClient.WatchAsync();
        Description = "the farm at " + contacts;
        FarmLostAfter = farmLostAfter;
    }

    public TimeSpan? FarmLostAfter { get; }

    public string Description { get; }

    public async Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_clientStopped.IsCompleted) throw Lost();
        var ask = _clusterClient.Ask<T>(new ClusterClient.Send(_gatewayPath, message, localAffinity: false), timeout, cancellationToken);
        if (await Task.WhenAny(ask, _clientStopped) == ask)
            return await ask;
        // The abandoned ask still times out later; observe it so that nothing reports it.
        _ = ask.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        throw Lost();
    }

    private FarmUnavailableException Lost() =>
        new($"lost {Description}: no contact point answered for {FarmLostAfter!.Value.TotalSeconds:0} s");
}
