using System.Data.Common;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Interceptors;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>
/// Lets SQLite itself wait for the journal's write lock. The journal, the snapshot store and the
/// remember-entities stores write through separate connections, so their transactions now and
/// then meet. Without a busy timeout SQLite answers "busy" at once and Microsoft.Data.Sqlite
/// retries after a fixed 150 ms sleep: a profile of a cold start showed the snapshot store's table
/// creation asleep there while the first job waited for the journal. With <c>busy_timeout</c> set
/// on every connection, SQLite retries within a millisecond or two of the lock's release; a lock
/// held longer (another process, a stuck disk) still ends in the driver's own retries and command
/// timeout, as before.
/// </summary>
internal sealed class SqliteBusyWait : ConnectionInterceptor
{
    /// <summary>How long SQLite keeps retrying a lock before handing "busy" to the driver's slower loop.</summary>
    private const int BusyTimeoutMilliseconds = 1_000;

    private static readonly SqliteBusyWait Instance = new();

    private static readonly string SetBusyTimeout = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}";

    /// <summary>
    /// The setup that gives every Akka.Persistence.Sql plugin of a system whose journal is SQLite
    /// (the embedded farm) the <see cref="OptionsFor">data options</see> below; null for any other journal.
    /// </summary>
    public static Setup? SetupFor(Config config) => OptionsFor(config) is { } options ? new DataOptionsSetup(options) : null;

    /// <summary>The journal's own connection string and provider, and this interceptor; null unless the journal is SQLite.</summary>
    internal static DataOptions? OptionsFor(Config config)
    {
        const string journal = "akka.persistence.journal.sql";
        if (!config.HasPath(journal) || config.GetString($"{journal}.provider-name") != ProviderName.SQLiteMS)
            return null;
        var connectionString = config.GetString($"{journal}.connection-string");
        return new DataOptions().UseConnectionString(ProviderName.SQLiteMS, connectionString).UseInterceptor(Instance);
    }

    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
    {
        if (connection is not SqliteConnection) return;
        using var command = connection.CreateCommand();
        command.CommandText = SetBusyTimeout;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        if (connection is not SqliteConnection) return;
        await using var command = connection.CreateCommand();
        command.CommandText = SetBusyTimeout;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
