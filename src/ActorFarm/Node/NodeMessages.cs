using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Node;

/// <summary>Messages between a node supervisor and its workers (same process, but kept serializable).</summary>
internal interface INodeMessage : IWireMessage;

/// <summary>A worker (a new one, or one just restarted after a crash) is ready for a task.</summary>
internal sealed record WorkerReady(int Slot) : INodeMessage;

/// <summary>
/// Run these tasks of one job, one after the other: one lease, or a few of very short tasks
/// (see <see cref="PrefetchPolicy.BatchPerWorker"/>), so that sub-millisecond tasks do not cost
/// two mailbox hops each. The spec rides along so the worker holds no job state of its own.
/// </summary>
internal sealed record RunTasks(string JobId, JobSpec Spec, TaskLease[] Leases) : INodeMessage;

/// <summary>
/// A worker finished the tasks of its <see cref="RunTasks"/> (whatever their outcomes), in order.
/// <paramref name="Crashing"/>: it is about to crash and be replaced; nothing more goes to it until
/// its successor reports <see cref="WorkerReady"/>.
/// </summary>
internal sealed record WorkerFinished(int Slot, string JobId, TaskResult[] Results, bool Crashing = false) : INodeMessage;

/// <summary>Kill the running task if it belongs to <paramref name="JobId"/>.</summary>
internal sealed record CancelRunningTask(string JobId) : INodeMessage;
