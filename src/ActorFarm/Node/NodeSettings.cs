using Akka.Configuration;

namespace ActorFarm.Node;

/// <summary>The <c>actorfarm.node</c> section of the configuration, plus the node's name.</summary>
public sealed record NodeSettings(
    string NodeName,
    int Slots,
    int MaxPrefetchPerSlot,
    int ResultBatchSize,
    TimeSpan ResultFlushInterval,
    TimeSpan RequestTimeout,
    TimeSpan RegisterInterval,
    TimeSpan WorkerRestartMinBackoff,
    TimeSpan WorkerRestartMaxBackoff,
    TimeSpan DrainGrace,
    DateTimeOffset? LeaveAt = null)
{
    /// <summary>Leaving starts this long before <see cref="LeaveAt"/> plus the drain grace: time to leave the cluster.</summary>
    public static readonly TimeSpan LeaveMargin = TimeSpan.FromSeconds(5);

    /// <summary>When the node stops taking tasks and drains, so that it is gone by <see cref="LeaveAt"/>.</summary>
    public DateTimeOffset? DrainAt => LeaveAt - DrainGrace - LeaveMargin;

    /// <summary>
    /// How long a task that ended by a signal (exit code 129–192) is held before it is reported
    /// as failed: the signal may be the node's own stop reaching its tasks first (see
    /// <c>actorfarm.node.interrupted-task-hold</c>).
    /// </summary>
    public TimeSpan InterruptedTaskHold { get; init; } = TimeSpan.FromSeconds(3);

    public static NodeSettings From(Config config, string nodeName, int? slotsOverride = null, DateTimeOffset? leaveAt = null)
    {
        var c = config.GetConfig("actorfarm.node");
        var slots = slotsOverride ?? c.GetInt("slots");
        return new NodeSettings(
            nodeName,
            slots > 0 ? slots : Environment.ProcessorCount,
            c.GetInt("max-prefetch-per-slot"),
            c.GetInt("result-batch-size"),
            c.GetTimeSpan("result-flush-interval"),
            c.GetTimeSpan("request-timeout"),
            c.GetTimeSpan("register-interval"),
            c.GetTimeSpan("worker-restart-min-backoff"),
            c.GetTimeSpan("worker-restart-max-backoff"),
            c.GetTimeSpan("drain-grace"),
            leaveAt)
        {
            InterruptedTaskHold = c.GetTimeSpan("interrupted-task-hold"),
        };
    }
}
