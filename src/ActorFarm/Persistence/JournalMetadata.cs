using System.Globalization;
using System.Reflection;

namespace ActorFarm.Persistence;

/// <summary>
/// What a journal records about itself, in a small table beside Akka.Persistence.Sql's own
/// (<c>actorfarm_meta(key, value)</c>), written when ActorFarm creates the journal: the journal
/// format, which ActorFarm created it, when and on which host. It tells an ActorFarm journal from
/// any other file or database before Akka opens it (and would create its tables in it), and lets
/// a later format refuse an older program instead of misreading its events. Journals created
/// before the table existed are recognised by their tables and persistence ids, and stamped.
/// </summary>
internal static class JournalMetadata
{
    public const string Table = "actorfarm_meta";

    /// <summary>The journal format this build writes and reads. Raise it when an older build must refuse a journal.</summary>
    public const int FormatVersion = 1;

    public const string FormatVersionKey = "format-version";
    public const string CreatedByKey = "created-by";
    public const string CreatedAtKey = "created-at";
    public const string CreatedOnHostKey = "created-on-host";
    public const string StampedByKey = "stamped-by";
    public const string StampedAtKey = "stamped-at";

    /// <summary>Akka.Persistence.Sql's tables (default table mapping) that every ActorFarm journal has.</summary>
    public static readonly string[] JournalTables = ["journal", "snapshot"];

    /// <summary>Columns of Akka.Persistence.Sql's journal table that ActorFarm reads.</summary>
    public static readonly string[] JournalColumns = ["ordering", "persistence_id", "sequence_number", "message", "manifest"];

    /// <summary>
    /// A persistence id that ActorFarm never writes (jobs and the job directory are <c>job-…</c>,
    /// Cluster Sharding's are <c>/sharding/…</c> and <c>/system/sharding/…</c>), or none: the
    /// journal is another application's. Works on SQLite and PostgreSQL.
    /// </summary>
    public const string ForeignPersistenceIdQuery =
        "SELECT persistence_id FROM journal WHERE persistence_id NOT LIKE 'job-%' " +
        "AND persistence_id NOT LIKE '/sharding/%' AND persistence_id NOT LIKE '/system/sharding/%' LIMIT 1";

    public static string CreateTableSql => $"CREATE TABLE IF NOT EXISTS {Table} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)";

    public static string ThisVersion =>
        "ActorFarm " + (typeof(JournalMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                        ?? typeof(JournalMetadata).Assembly.GetName().Version?.ToString() ?? "?");

    /// <summary>The rows of a journal this process creates.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForNewJournal() =>
    [
        new(FormatVersionKey, FormatVersion.ToString(CultureInfo.InvariantCulture)),
        new(CreatedByKey, ThisVersion),
        new(CreatedAtKey, Now()),
        new(CreatedOnHostKey, Environment.MachineName),
    ];

    /// <summary>The rows of a journal created by an ActorFarm that did not record itself, first opened by this one.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForStampedJournal() =>
    [
        new(FormatVersionKey, FormatVersion.ToString(CultureInfo.InvariantCulture)),
        new(CreatedByKey, "an ActorFarm that did not record its version"),
        new(StampedByKey, ThisVersion),
        new(StampedAtKey, Now()),
    ];

    /// <summary>Why this build must not use a journal with these rows, or null if it may.</summary>
    public static string? Incompatibility(IReadOnlyDictionary<string, string> rows)
    {
        if (!rows.TryGetValue(FormatVersionKey, out var text) || !int.TryParse(text, CultureInfo.InvariantCulture, out var version))
            return $"its {Table} table has no valid {FormatVersionKey}";
        if (version > FormatVersion)
        {
            var writer = rows.TryGetValue(CreatedByKey, out var by) ? by : "a newer ActorFarm";
            return $"it was created by {writer} in journal format {version}, and {ThisVersion} reads format {FormatVersion} at most: use a newer actorfarm";
        }
        return null;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
