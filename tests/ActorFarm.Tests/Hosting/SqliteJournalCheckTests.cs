using ActorFarm.Hosting;
using ActorFarm.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// What may lie where the SQLite journal should be, and what <see cref="SqliteJournal.Prepare"/>
/// does with it before Akka opens the file. The real program's answers (exit 3, nothing run) are
/// in <c>Cli/JournalIntegrityTests</c>.
/// </summary>
public class SqliteJournalCheckTests
{
    [Fact]
    public void A_new_journal_records_what_created_it()
    {
        using var state = new TempDirectory("actorfarm-journal");
        SqliteJournal.Prepare(state.Path);

        var meta = Metadata(SqliteJournal.DatabasePath(state.Path));
        Assert.Equal("1", meta[JournalMetadata.FormatVersionKey]);
        Assert.StartsWith("ActorFarm ", meta[JournalMetadata.CreatedByKey]);
        Assert.Equal(Environment.MachineName, meta[JournalMetadata.CreatedOnHostKey]);
        Assert.True(DateTimeOffset.TryParse(meta[JournalMetadata.CreatedAtKey], out _));
        Assert.Equal("wal", Scalar(SqliteJournal.DatabasePath(state.Path), "PRAGMA journal_mode"));
        Assert.False(File.Exists(SqliteJournal.DatabasePath(state.Path) + ".new"));

        SqliteJournal.Prepare(state.Path); // and it is accepted as it is
        Assert.Equal(meta[JournalMetadata.CreatedAtKey], Metadata(SqliteJournal.DatabasePath(state.Path))[JournalMetadata.CreatedAtKey]);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var message = Refused(path => File.WriteAllBytes(path, []));
        Assert.Contains("is an empty file (0 bytes), not an ActorFarm journal; move it away or choose another --state-dir to start over", message);
    }

    [Fact]
    public void A_text_file_is_refused() =>
        Assert.Contains("is not an SQLite database", Refused(path => File.WriteAllText(path, "results, not a journal\n")));

    [Fact]
    public void An_empty_sqlite_database_is_refused() =>
        Assert.Contains("is an empty SQLite database", Refused(path => Execute(path, "VACUUM")));

    [Fact]
    public void Another_programs_sqlite_database_is_refused() =>
        Assert.Contains("is an SQLite database of something else (tables: accounts, orders)",
            Refused(path => Execute(path, "CREATE TABLE orders(id INTEGER); CREATE TABLE accounts(id INTEGER)")));

    [Fact]
    public void Another_applications_akka_journal_is_refused() =>
        Assert.Contains("is the journal of another application (persistence id 'shopping-cart-7')",
            Refused(path => Execute(path, EarlierJournalSchema + "INSERT INTO journal (persistence_id, sequence_number, message, manifest) VALUES ('shopping-cart-7', 1, x'00', 'm');")));

    [Fact]
    public void A_journal_of_a_newer_format_is_refused()
    {
        var message = Refused(path =>
        {
            Execute(path, JournalMetadata.CreateTableSql);
            Execute(path, $"INSERT INTO {JournalMetadata.Table} VALUES ('format-version', '{JournalMetadata.FormatVersion + 1}'), ('created-by', 'ActorFarm 9.0.0')");
        });
        Assert.Contains($"it was created by ActorFarm 9.0.0 in journal format {JournalMetadata.FormatVersion + 1}", message);
    }

    [Fact]
    public void A_write_ahead_log_without_its_journal_is_refused()
    {
        using var state = new TempDirectory("actorfarm-journal");
        File.WriteAllText(SqliteJournal.DatabasePath(state.Path) + "-wal", "frames of a journal that was removed");
        var refused = Assert.Throws<JournalRejectedException>(() => SqliteJournal.Prepare(state.Path));
        Assert.Contains("is missing but its write-ahead log", refused.Message);
        Assert.False(File.Exists(SqliteJournal.DatabasePath(state.Path)));
    }

    [Fact]
    public void A_journal_of_an_earlier_version_is_accepted_and_stamped()
    {
        using var state = new TempDirectory("actorfarm-journal");
        var path = SqliteJournal.DatabasePath(state.Path);
        Execute(path, EarlierJournalSchema + """
            INSERT INTO journal (persistence_id, sequence_number, message, manifest) VALUES ('job-directory', 1, x'00', 'directory.job-registered.v1');
            INSERT INTO journal (persistence_id, sequence_number, message, manifest) VALUES ('job-work-0a1b2c3d', 1, x'00', 'job-accepted.v1');
            INSERT INTO journal (persistence_id, sequence_number, message, manifest) VALUES ('/sharding/jobShard/5', 1, x'00', 'A');
            """);

        SqliteJournal.Prepare(state.Path);

        var meta = Metadata(path);
        Assert.Equal("1", meta[JournalMetadata.FormatVersionKey]);
        Assert.StartsWith("ActorFarm ", meta[JournalMetadata.StampedByKey]);
        Assert.Equal("3", Scalar(path, "SELECT count(*) FROM journal"));
    }

    /// <summary>The tables Akka.Persistence.Sql created for an ActorFarm journal before actorfarm_meta existed.</summary>
    private const string EarlierJournalSchema = """
        CREATE TABLE journal (ordering INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL DEFAULT 0, deleted BIT NOT NULL DEFAULT 0,
          persistence_id TEXT NOT NULL, sequence_number INTEGER NOT NULL, message BLOB NOT NULL, manifest TEXT, identifier INTEGER, writer_uuid TEXT);
        CREATE TABLE snapshot (persistence_id TEXT NOT NULL, sequence_number INTEGER NOT NULL, created INTEGER NOT NULL, snapshot BLOB,
          manifest TEXT, serializer_id INTEGER, PRIMARY KEY (persistence_id, sequence_number));
        """;

    /// <summary>Puts something where the journal should be; Prepare must refuse it and leave it as it was.</summary>
    private static string Refused(Action<string> createJournalFile)
    {
        using var state = new TempDirectory("actorfarm-journal");
        var path = SqliteJournal.DatabasePath(state.Path);
        createJournalFile(path);
        var before = File.ReadAllBytes(path);

        var refused = Assert.Throws<JournalRejectedException>(() => SqliteJournal.Prepare(state.Path));

        Assert.Equal(path, refused.Location);
        Assert.StartsWith(path + " ", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        return refused.Message;
    }

    private static Dictionary<string, string> Metadata(string path)
    {
        using var db = Open(path);
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT key, value FROM {JournalMetadata.Table}";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, string>();
        while (reader.Read()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    private static string Scalar(string path, string sql)
    {
        using var db = Open(path);
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private static void Execute(string path, string sql)
    {
        using var db = Open(path);
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        return db;
    }
}
