using ActorFarm.Hosting;
using Akka.Persistence.Sql.Config;
using LinqToDB.Data;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// The embedded journal's connections let SQLite wait for the write lock itself (busy_timeout),
/// instead of answering "busy" at once and leaving the wait to the driver's 150 ms sleeps; a
/// PostgreSQL journal is left as it is.
/// </summary>
public sealed class SqliteBusyWaitTests
{
    [Fact]
    public void A_connection_of_the_embedded_journal_waits_for_the_write_lock_inside_sqlite()
    {
        using var state = new TempDirectory("actorfarm-busy");
        SqliteJournal.Prepare(state.Path);
        var config = FarmConfig.Build(new FarmOptions { StateDirectory = state.Path, Config = TestFarm.TestConfig });

        Assert.IsType<DataOptionsSetup>(SqliteBusyWait.SetupFor(config));
        using var connection = new DataConnection(SqliteBusyWait.OptionsFor(config)!);

        Assert.True(connection.Execute<long>("PRAGMA busy_timeout") >= 1_000);
    }

    [Fact]
    public void A_postgres_journal_gets_no_sqlite_setup()
    {
        var config = FarmConfig.Build(new FarmOptions { PostgresConnectionString = "Host=127.0.0.1;Database=none", Config = TestFarm.TestConfig });

        Assert.Null(SqliteBusyWait.SetupFor(config));
    }
}
