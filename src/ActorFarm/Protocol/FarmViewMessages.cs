namespace ActorFarm.Protocol;

/// <summary>
/// What a client sees of the farm as a whole (the dashboard's cluster view, <c>actorfarm status</c>
/// of a cluster): asked of the gateway, answered by the job directory, which hears every node's
/// heartbeat and sits on a cluster member that knows the membership.
/// </summary>
internal interface IFarmViewMessage : IWireMessage;

/// <summary>Replies <see cref="FarmOverview"/>.</summary>
internal sealed record GetFarmOverview : IFarmViewMessage
{
    public static readonly GetFarmOverview Instance = new();
}

/// <summary>
/// The cluster's members (every process of the farm: Lighthouse, coordinators, workers) and the
/// worker nodes registered with the directory, as seen by the directory's member at <paramref name="At"/>.
/// </summary>
public sealed record FarmOverview(FarmMember[] Members, FarmNode[] Nodes, DateTimeOffset At) : IWireMessage
{
    /// <summary>Slots of every registered node.</summary>
    public long Slots => Nodes.Sum(n => (long)n.Slots);

    /// <summary>Slots running a task now, on every registered node.</summary>
    public long BusySlots => Nodes.Sum(n => (long)n.Busy);
}

/// <summary>
/// One cluster member: its address (<c>akka.tcp://actorfarm@host:port</c>), status as Akka names
/// it (Joining, Up, Leaving, Exiting, Down, Removed, WeaklyUp), roles, and whether the member the
/// overview came from can reach it now.
/// </summary>
public sealed record FarmMember(string Address, string Status, string[] Roles, bool Reachable);

/// <summary>
/// One worker node's supervisor as it last told the directory (every <c>register-interval</c>):
/// its name, member address, slots, slots running a task, the in-process handlers it runs (null:
/// any), when it was last heard, and the SLURM allocation (job id) it runs in, if any.
/// </summary>
public sealed record FarmNode(string Name, string Address, int Slots, int Busy, string[]? Handlers, DateTimeOffset LastHeard,
    string? Allocation = null);
