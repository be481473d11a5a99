using Akka.Configuration;

namespace ActorFarm.Allocation;

/// <summary>The <c>actorfarm.allocation</c> section (hocon/farm.hocon).</summary>
internal sealed record AllocationSettings(
    TimeSpan PollInterval,
    TimeSpan CommandTimeout,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    TimeSpan StartTimeout)
{
    public static AllocationSettings From(Config config)
    {
        var c = config.GetConfig("actorfarm.allocation");
        return new AllocationSettings(
            c.GetTimeSpan("poll-interval"),
            c.GetTimeSpan("command-timeout"),
            c.GetTimeSpan("min-backoff"),
            c.GetTimeSpan("max-backoff"),
            c.GetTimeSpan("start-timeout"));
    }

    /// <summary>The wait before sbatch is tried again after <paramref name="failures"/> failures in a row.</summary>
    public TimeSpan BackoffAfter(int failures)
    {
        var ticks = MinBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxBackoff.Ticks));
    }
}
