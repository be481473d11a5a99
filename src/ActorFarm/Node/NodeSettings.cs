using ActorFarm.Protocol;
using Akka.Configuration;

namespace ActorFarm.Node;

/// <summary>The <c>actorfarm.node</c> section of the configuration, plus the node's name.</summary>
internal sealed record NodeSettings(
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
    /// <summary>
    /// After the <see cref="DrainGrace"/>, a drain still kills what runs and gives it back: it is
    /// given up this long after its grace (<c>actorfarm.node.drain-settle</c>).
    /// </summary>
    public required TimeSpan DrainSettle { get; init; }

    /// <summary>Every task has ended this long before <see cref="LeaveAt"/>: time to leave the cluster (<c>leave-at-margin</c>).</summary>
    public required TimeSpan LeaveAtMargin { get; init; }

    /// <summary>
    /// A scheduled leave drains this long before <see cref="LeaveAt"/> (<c>leave-at-drain-lead</c>):
    /// <see cref="LeaveAtMargin"/> and enough to give back the queued leases and send the last
    /// results. It needs no drain grace of its own: every task started under a <see cref="LeaveAt"/>
    /// was admitted only if it ends by <see cref="WorkEndsAt"/>.
    /// </summary>
    public required TimeSpan LeaveAtDrainLead { get; init; }

    /// <summary>How big the node's messages may be (this process's frame size), see <see cref="WireLimits"/>.</summary>
    public WireLimits Wire { get; init; } = WireLimits.Default;

    /// <summary>
    /// The in-process handlers this node can run, advertised to the job directory; the node never
    /// asks a job whose handler is not among them. Null: any (a host with its own executor).
    /// </summary>
    public IReadOnlySet<string>? Handlers { get; init; }

    /// <summary>Whether this node can run tasks of a job needing <paramref name="handler"/> (null: a process job).</summary>
    public bool CanRun(string? handler) => handler is null || Handlers is null || Handlers.Contains(handler);

    /// <summary>The largest payload a handler may return (<c>actorfarm.node.max-payload-bytes</c>, 64 KiB by default).</summary>
    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    public const long DefaultMaxPayloadBytes = 64 * 1024;

    /// <summary>The payload bound in force: <see cref="MaxPayloadBytes"/>, lowered if the frame size needs it (<see cref="WireLimits.PayloadLimit"/>).</summary>
    public long PayloadLimit => Wire.PayloadLimit(MaxPayloadBytes);

    /// <summary>A result batch not acknowledged for this long was lost on the way and is sent again.</summary>
    public TimeSpan UnackedResendAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every task has ended by then (or is killed and given back): the node then leaves, gone by <see cref="LeaveAt"/>.</summary>
    public DateTimeOffset? WorkEndsAt => LeaveAt - LeaveAtMargin;

    /// <summary>
    /// The last moment a task of a job without <c>expected-duration</c> may start under a
    /// <see cref="LeaveAt"/>: it gets at least the drain grace before <see cref="WorkEndsAt"/>, as a
    /// running task does when a node is stopped. A task whose duration is declared starts whenever
    /// it fits before <see cref="WorkEndsAt"/>.
    /// </summary>
    public DateTimeOffset? LastOpenEndedStartAt => WorkEndsAt - DrainGrace;

    /// <summary>When the node stops taking tasks and drains, so that it is gone by <see cref="LeaveAt"/>.</summary>
    public DateTimeOffset? DrainAt => LeaveAt - LeaveAtDrainLead;

    /// <summary>
    /// How long running tasks may still take when a drain starts at <paramref name="now"/>: the
    /// drain grace, but never past <see cref="WorkEndsAt"/> (the node would not be gone in time).
    /// </summary>
    public TimeSpan GraceAt(DateTimeOffset now)
    {
        if (WorkEndsAt is not { } end) return DrainGrace;
        var left = end - now;
        return left < TimeSpan.Zero ? TimeSpan.Zero : left < DrainGrace ? left : DrainGrace;
    }

    /// <summary>
    /// How long a task that ended by a signal (exit code 129–192) is held before it is reported
    /// as failed: the signal may be the node's own stop reaching its tasks first (see
    /// <c>actorfarm.node.interrupted-task-hold</c>).
    /// </summary>
    public TimeSpan InterruptedTaskHold { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The SLURM allocation (job id) this node runs in, told to the directory with every heartbeat
    /// so an allocation queue can tell its allocations' nodes apart; null outside SLURM.
    /// </summary>
    public string? Allocation { get; init; }

    public static NodeSettings From(Config config, string nodeName, int? slotsOverride = null, DateTimeOffset? leaveAt = null)
    {
        var c = config.GetConfig("actorfarm.node");
        var slots = slotsOverride ?? c.GetInt("slots");
        var drain = DrainTimings.From(config);
        var leaveAtMargin = c.GetTimeSpan("leave-at-margin");
        var leaveAtDrainLead = c.GetTimeSpan("leave-at-drain-lead");
        // The drain starts before the tasks must have ended, never after.
        if (leaveAtDrainLead < leaveAtMargin)
            throw new ConfigurationException(
                $"actorfarm.node.leave-at-drain-lead ({leaveAtDrainLead}) must be at least actorfarm.node.leave-at-margin ({leaveAtMargin})");
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
            drain.Grace,
            leaveAt)
        {
            DrainSettle = drain.Settle,
            LeaveAtMargin = leaveAtMargin,
            LeaveAtDrainLead = leaveAtDrainLead,
            Wire = WireLimits.From(config),
            UnackedResendAfter = c.GetTimeSpan("unacked-resend-after", TimeSpan.FromSeconds(30)),
            InterruptedTaskHold = c.GetTimeSpan("interrupted-task-hold"),
            MaxPayloadBytes = c.GetByteSize("max-payload-bytes", null) ?? DefaultMaxPayloadBytes,
            Allocation = c.GetString("allocation", "") is { Length: > 0 } allocation ? allocation
                : Environment.GetEnvironmentVariable("SLURM_JOB_ID") is { Length: > 0 } slurmJob ? slurmJob : null,
        };
    }
}
