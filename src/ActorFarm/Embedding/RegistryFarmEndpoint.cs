using ActorFarm.Hosting;
using Akka.Actor;
using Akka.Hosting;

namespace ActorFarm.Embedding;

/// <summary>
/// The gateway of the farm in this service's actor system, found in Akka.Hosting's registry when
/// first used: the client can be resolved from DI before the actor system has started the farm,
/// and its first call waits until it has.
/// </summary>
internal sealed class RegistryFarmEndpoint(IRequiredActor<FarmGatewayKey> gateway) : IFarmEndpoint
{
    public async Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var actor = await gateway.GetAsync(cancellationToken);
        return await actor.Ask<T>(message, timeout, cancellationToken);
    }

    public TimeSpan? FarmLostAfter => null;

    public string Description => "the farm of this service";
}
