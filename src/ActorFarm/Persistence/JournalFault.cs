using System.Net.Sockets;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorFarm.Persistence;

/// <summary>
/// What went wrong with the journal, said the way a user can act on it: "disk full at
/// /scratch/state/journal.db", "database unreachable at postgres://db1:5432/farm". The exception
/// chains of SQLite, Npgsql and linq2db are long and their messages say little about where.
/// </summary>
internal sealed record JournalFault(string Cause, string Location, bool AnotherWriter, bool BreakerOpen = false)
{
    /// <summary>One line for stderr and for status reports.</summary>
    public string Describe() => $"journal: {Cause} at {Location}";

    public override string ToString() => Describe();

    public static JournalFault From(Exception error, string location)
    {
        foreach (var e in Chain(error))
        {
            switch (e)
            {
                case Akka.Pattern.OpenCircuitException:
                    // The journal refuses calls for a moment after repeated failures: the cause is
                    // the failure before it.
                    return new JournalFault("refusing writes after repeated failures", location, false, BreakerOpen: true);
                case SqliteException sqlite:
                    return new JournalFault(SqliteCause(sqlite, location), location, IsSqliteUniqueViolation(sqlite));
                case PostgresException postgres:
                    return new JournalFault(PostgresCause(postgres), location, postgres.SqlState == PostgresErrorCodes.UniqueViolation);
                case NpgsqlException or SocketException:
                    return new JournalFault("database unreachable", location, false);
                case IOException io when io.HResult is 28 or unchecked((int)0x80070070):
                    return new JournalFault("disk full", location, false);
                case UnauthorizedAccessException:
                    return new JournalFault("permission denied", location, false);
            }
        }
        var innermost = Chain(error).Last();
        return new JournalFault(FirstLine(innermost.Message), location, false);
    }

    /// <summary>Where the journal is, for messages: the SQLite file, or the PostgreSQL server and database.</summary>
    public static string LocationOf(Config config, string journalPluginId = "akka.persistence.journal.sql")
    {
        var journal = config.GetConfig(journalPluginId);
        var connectionString = journal?.GetString("connection-string") ?? "";
        var provider = journal?.GetString("provider-name") ?? "";
        try
        {
            if (provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase))
                return Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
            if (provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase))
            {
                var pg = new NpgsqlConnectionStringBuilder(connectionString);
                return $"postgres://{pg.Host}:{pg.Port}/{pg.Database}";
            }
        }
        catch (ArgumentException)
        {
            // A connection string these builders cannot read: the provider will say so itself.
        }
        return provider.Length > 0 ? $"the {provider} journal" : "the journal";
    }

    private static string SqliteCause(SqliteException e, string location) => (e.SqliteErrorCode & 0xFF) switch
    {
        13 => "disk full",                     // SQLITE_FULL
        // A write-ahead log that cannot grow is reported as an I/O error; the errno behind it
        // is not exposed, the file system's free space is.
        10 when NoSpaceLeft(location) => "disk full",
        10 => "I/O error",                     // SQLITE_IOERR
        8 => "read-only file",                 // SQLITE_READONLY
        5 or 6 => "locked by another process", // SQLITE_BUSY, SQLITE_LOCKED
        14 => "cannot open the file",          // SQLITE_CANTOPEN
        11 or 26 => "not a valid journal (corrupt or foreign file)", // SQLITE_CORRUPT, SQLITE_NOTADB
        19 => "written by another farm at the same time", // SQLITE_CONSTRAINT: a sequence number taken
        _ => FirstLine(e.Message),
    };

    private static bool NoSpaceLeft(string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            return directory is not null && new DriveInfo(directory).AvailableFreeSpace < 64 * 1024;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsSqliteUniqueViolation(SqliteException e) => (e.SqliteErrorCode & 0xFF) == 19;

    private static string PostgresCause(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => "written by another farm at the same time",
        PostgresErrorCodes.DiskFull => "disk full on the database server",
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            => "database shutting down or starting",
        _ => $"database error {e.SqlState}: {FirstLine(e.MessageText)}",
    };

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                foreach (var inner in aggregate.InnerExceptions)
                foreach (var nested in Chain(inner))
                    yield return nested;
                yield break;
            }
            yield return e;
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
