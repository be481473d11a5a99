using Akka.Configuration;

namespace ActorFarm.Coordinator;

/// <summary>The <c>actorfarm.jobs</c> section of the configuration.</summary>
public sealed record JobEntitySettings(
    int MaxResultsPerEvent,
    int SnapshotEveryEvents,
    TimeSpan ReattachGrace,
    int MinAttemptsOnLoss,
    TimeSpan PassivateEndedAfter,
    int NumberOfShards,
    TimeSpan JournalRetryMinBackoff,
    TimeSpan JournalRetryMaxBackoff,
    TimeSpan JournalGiveUpAfter)
{
    public static JobEntitySettings From(Config config)
    {
        var c = config.GetConfig("actorfarm.jobs");
        return new JobEntitySettings(
            c.GetInt("max-results-per-event"),
            c.GetInt("snapshot-every-events"),
            c.GetTimeSpan("reattach-grace"),
            c.GetInt("min-attempts-on-loss"),
            c.GetTimeSpan("passivate-ended-after"),
            c.GetInt("number-of-shards"),
            c.GetTimeSpan("journal-retry.min-backoff"),
            c.GetTimeSpan("journal-retry.max-backoff"),
            c.GetTimeSpan("journal-retry.give-up-after"));
    }
}
