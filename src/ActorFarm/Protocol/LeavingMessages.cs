namespace ActorFarm.Protocol;

/// <summary>
/// Asked by a coordinator node that leaves, of each job it hosts (through its own shard region):
/// the job stops leasing and replies <see cref="NodesDrained"/> once no node holds a lease of it
/// and every result received is journaled. The asker's timeout bounds the wait.
/// </summary>
internal sealed record AwaitNodesDrained(string JobId) : IWithJobId;

/// <summary>Reply to <see cref="AwaitNodesDrained"/>.</summary>
internal sealed record NodesDrained(string JobId) : IWireMessage;
