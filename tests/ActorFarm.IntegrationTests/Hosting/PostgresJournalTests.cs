using ActorFarm.Hosting;
using ActorFarm.Persistence;
using Npgsql;

namespace ActorFarm.IntegrationTests.Hosting;

/// <summary>
/// The PostgreSQL journal's check, on a real server: a fresh (or shared) database gets the
/// metadata, coordinators starting together agree on it, a table named like Akka's that is
/// something else is refused, and a journal of an earlier version is stamped and used.
/// </summary>
public class PostgresJournalTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [PostgresFact]
    public async Task Coordinators_starting_together_on_a_fresh_database_record_one_metadata()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Execute(database, "CREATE TABLE customers (id INTEGER PRIMARY KEY)"); // a shared database is fine

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresJournal.PrepareAsync(database)));

        var meta = await Metadata(database);
        Assert.Equal("1", meta[JournalMetadata.FormatVersionKey]);
        Assert.StartsWith("ActorFarm ", meta[JournalMetadata.CreatedByKey]);
        Assert.False(meta.ContainsKey(JournalMetadata.StampedByKey));
    }

    [PostgresFact]
    public async Task A_table_named_journal_that_is_not_a_journal_is_refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Execute(database, "CREATE TABLE journal (id INTEGER, title TEXT); CREATE TABLE snapshot (id INTEGER)");

        var refused = await Assert.ThrowsAsync<JournalRejectedException>(() => PostgresJournal.PrepareAsync(database));

        Assert.Contains("has a table 'journal' that is not an Akka.Persistence journal (no column ordering, persistence_id, sequence_number, message, manifest)", refused.Message);
        Assert.DoesNotContain("actorfarm_meta", await Tables(database));
    }

    [PostgresFact]
    public async Task A_journal_of_a_newer_format_is_refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Execute(database, JournalMetadata.CreateTableSql + $"; INSERT INTO {JournalMetadata.Table} VALUES ('format-version', '{JournalMetadata.FormatVersion + 1}')");

        var refused = await Assert.ThrowsAsync<JournalRejectedException>(() => PostgresJournal.PrepareAsync(database));
        Assert.Contains($"in journal format {JournalMetadata.FormatVersion + 1}", refused.Message);
    }

    [PostgresFact]
    public async Task An_unreachable_database_is_a_store_error_naming_it_without_credentials()
    {
        var nowhere = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = FreePort.Next(), Database = "farm", Username = "u", Password = "secret", Timeout = 3 }.ToString();
        var failed = await Assert.ThrowsAsync<FarmStoreException>(() => PostgresJournal.PrepareAsync(nowhere));
        Assert.StartsWith("the journal database 'farm' on 127.0.0.1:", failed.Message);
        Assert.DoesNotContain("secret", failed.Message);
    }

    [PostgresFact]
    public async Task A_journal_written_before_metadata_existed_is_stamped_and_its_jobs_kept()
    {
        var database = await postgres.CreateDatabaseAsync();
        var options = new FarmOptions { PostgresConnectionString = database, Slots = 2, NodeName = "pg", Config = TestFarm.TestConfig };
        using var output = new TempDirectory("actorfarm-pg-out");
        string jobId;
        await using (var farm = await FarmHost.StartAsync(options))
        {
            var submitted = await farm.Client.SubmitAsync(Specs.Handler("earlier", "noop", 20, output.Path));
            jobId = submitted.JobId;
            await foreach (var _ in farm.Client.WatchAsync(jobId)) { }
        }
        Assert.Contains("actorfarm_meta", await Tables(database));
        await Execute(database, $"DROP TABLE {JournalMetadata.Table}"); // what an earlier ActorFarm left

        await using (var farm = await FarmHost.StartAsync(options))
        {
            var status = await farm.Client.StatusAsync(jobId);
            Assert.Equal(20, status.Succeeded);
        }
        var meta = await Metadata(database);
        Assert.StartsWith("ActorFarm ", meta[JournalMetadata.StampedByKey]);
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> Tables(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    private static async Task<Dictionary<string, string>> Metadata(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT key, value FROM {JournalMetadata.Table}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }
}
