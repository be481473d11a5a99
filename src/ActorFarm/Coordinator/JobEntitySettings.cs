using ActorFarm.Persistence;
using Akka.Configuration;

namespace ActorFarm.Coordinator;

/// <summary>The <c>actorfarm.jobs</c> section of the configuration.</summary>
internal sealed record JobEntitySettings(
    int MaxResultsPerEvent,
    int SnapshotEveryEvents,
    TimeSpan ReattachGrace,
    int MinAttemptsOnLoss,
    TimeSpan PassivateEndedAfter,
    int NumberOfShards,
    TimeSpan JournalRetryMinBackoff,
    TimeSpan JournalRetryMaxBackoff,
    TimeSpan JournalGiveUpAfter,
    string? WriterLockConnectionString = null,
    JournalPlugins? Journal = null)
{
    /// <summary>How often an active job tells the directory again until the directory says it recorded it.</summary>
    public TimeSpan AnnounceRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <param name="config">The actor system's configuration (<c>actorfarm.job</c>).</param>
    /// <param name="plugins">Where the job's journal lives; null: the process's default plugins (Akka.Persistence.Sql's).</param>
    public static JobEntitySettings From(Config config, JournalPlugins? plugins = null)
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
            c.GetTimeSpan("journal-retry.give-up-after"),
            WriterLockOf(config, (plugins ?? JournalPlugins.Sql).JournalPluginId),
            plugins)
        {
            AnnounceRetry = c.GetTimeSpan("announce-retry"),
        };
    }

    /// <summary>
    /// A PostgreSQL journal may be shared by several farms: each job is then locked in the
    /// database (<see cref="Persistence.PostgresJobLock"/>). SQLite needs none: the state
    /// directory's lock lets one process at a time open the journal.
    /// </summary>
    private static string? WriterLockOf(Config config, string journalPluginId)
    {
        var journal = config.GetConfig(journalPluginId);
        if (journal is null) return null;
        var provider = journal.GetString("provider-name") ?? "";
        var connectionString = journal.GetString("connection-string") ?? "";
        return provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) && connectionString.Length > 0
            ? connectionString
            : null;
    }
}
