using Akka.Actor;

namespace ActorFarm.Allocation;

/// <summary>
/// What the farm needs and has, read once per poll: the slots that the tasks no node holds yet
/// need (over every running job; a task of a job with <c>cpus = k</c> needs k), slots free on the registered nodes, and per SLURM allocation its registered nodes and their
/// busy slots. <paramref name="Complete"/> is false when some job did not answer in time: its tasks
/// are missing from the count, so the queue then submits nothing on this reading.
/// </summary>
internal sealed record FarmDemand(
    long WaitingSlots,
    long FreeSlots,
    IReadOnlyDictionary<string, AllocationNodes> NodesByAllocation,
    bool Complete) : INoSerializationVerificationNeeded;

/// <summary>The registered nodes of one allocation and how many of their slots run a task.</summary>
internal sealed record AllocationNodes(int Nodes, int BusySlots);
