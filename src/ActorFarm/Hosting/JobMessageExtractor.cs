using ActorFarm.Protocol;
using Akka.Cluster.Sharding;

namespace ActorFarm.Hosting;

/// <summary>Routes every <see cref="IWithJobId"/> message to the job entity of that id.</summary>
internal sealed class JobMessageExtractor(int numberOfShards) : HashCodeMessageExtractor(numberOfShards)
{
    public override string? EntityId(object message) => (message as IWithJobId)?.JobId;
}
