using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Node;

/// <summary>Messages between a node supervisor and its workers (same process, but kept serializable).</summary>
public interface INodeMessage : IWireMessage;

/// <summary>A worker (a new one, or one just restarted after a crash) is ready for a task.</summary>
public sealed record WorkerReady(int Slot) : INodeMessage;

/// <summary>Run one task. The spec rides along so the worker holds no job state of its own.</summary>
public sealed record RunTask(string JobId, JobSpec Spec, TaskLease Lease) : INodeMessage;

/// <summary>A worker finished its task (whatever the outcome).</summary>
public sealed record WorkerFinished(int Slot, string JobId, TaskResult Result) : INodeMessage;

/// <summary>Kill the running task if it belongs to <paramref name="JobId"/>.</summary>
public sealed record CancelRunningTask(string JobId) : INodeMessage;
