using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorFarm.Hosting;

/// <summary>
/// Places a new job's shard on the coordinator node with the fewest shards, and never moves it
/// afterwards. Rebalancing a running job would stop it, recover it from the journal on another
/// node and make every worker re-attach: a pause for nothing, since a job's load is on the
/// worker nodes, not on the coordinator that hosts it. (Akka's least-shard strategy always
/// rebalances at least one shard per round when allocations are uneven.)
/// </summary>
internal sealed class NeverRebalanceStrategy : IActorSystemDependentAllocationStrategy
{
    private readonly IShardAllocationStrategy _placement = ShardAllocationStrategy.LeastShardAllocationStrategy(1, 0.1);

    public void Start(ActorSystem system)
    {
        switch (_placement)
        {
            case IActorSystemDependentAllocationStrategy dependent:
                dependent.Start(system);
                break;
            case IStartableAllocationStrategy startable:
                startable.Start();
                break;
        }
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
        _placement.AllocateShard(requester, shardId, currentShardAllocations);

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress) =>
        Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
}
