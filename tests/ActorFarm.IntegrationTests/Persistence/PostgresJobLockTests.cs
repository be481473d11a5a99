using ActorFarm.Persistence;
using Npgsql;

namespace ActorFarm.IntegrationTests.Persistence;

/// <summary>
/// The per-job PostgreSQL lock on a real server: a second holder of the same job is refused and
/// can name the first, other jobs are independent, and the lock is free again once its holder
/// releases it or its connection ends; the holder then knows it has lost it.
/// </summary>
public class PostgresJobLockTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task A_second_holder_of_a_job_is_refused_and_can_name_the_first()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = new PostgresJobLock(database, "work-0a1b2c3d");
        await using var second = new PostgresJobLock(database, "work-0a1b2c3d");
        await using var otherJob = new PostgresJobLock(database, "work-99999999");

        Assert.True(await first.TryAcquireAsync());
        Assert.True(await first.TryAcquireAsync()); // already held: still true
        Assert.False(await second.TryAcquireAsync());
        Assert.False(second.IsHeld);
        Assert.True(await otherJob.TryAcquireAsync());

        var holder = await second.FindHolderAsync();
        Assert.NotNull(holder);
        Assert.Equal($"actorfarm {Environment.MachineName}:{Environment.ProcessId}", holder.ApplicationName);
        Assert.Equal(await BackendPidHolding(database, first.Key), holder.BackendPid);

        await first.ReleaseAsync();
        Assert.False(first.IsHeld);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WhenLost);
        Assert.True(await second.TryAcquireAsync());
    }

    [PostgresFact]
    public async Task The_lock_is_freed_when_the_holders_connection_ends_and_the_holder_sees_the_loss()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var holder = new PostgresJobLock(database, "sweep-12345678", probeInterval: TimeSpan.FromMilliseconds(200));
        await using var contender = new PostgresJobLock(database, "sweep-12345678");
        Assert.True(await holder.TryAcquireAsync());
        Assert.False(await contender.TryAcquireAsync());

        // The holder's session ends as when its process dies or its link breaks: the server drops it.
        var backend = await BackendPidHolding(database, holder.Key);
        await Execute(database, $"SELECT pg_terminate_backend({backend})");

        var reason = await holder.WhenLost.WaitAsync(Generous);
        Assert.Contains("sweep-12345678", reason);
        Assert.False(holder.IsHeld);
        Assert.True(await contender.TryAcquireAsync());

        // The former holder can contend again, and is refused while the contender holds it.
        Assert.False(await holder.TryAcquireAsync());
    }

    [PostgresFact]
    public async Task The_lock_of_a_holder_killed_with_sigkill_is_free_again()
    {
        var database = await postgres.CreateDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(database);
        var key = PostgresJobLock.KeyFor("killed-00000001");
        // Another process holds the job's lock (psql, as a farm on another machine would) and is killed.
        await using var psql = ChildProcess.Start(Path.Combine(PostgresServer.BinDirectory!, "psql"),
            ["-h", target.Host!, "-p", target.Port.ToString(), "-U", "postgres", "-d", target.Database!]);
        // Then idle, as the lock's own connection is between probes: the server notices a dead
        // client of an idle session at once (a session busy in a query only when it next talks).
        await psql.WriteLineAsync($"SELECT pg_advisory_lock({key});");
        await using var contender = new PostgresJobLock(database, "killed-00000001");
        try
        {
            await UntilAsync(async () => await BackendPidHolding(database, key) != 0 || psql.HasExited);
            if (psql.HasExited)
                Assert.Fail("psql ended: " + psql.Stderr);
            Assert.False(await contender.TryAcquireAsync());
        }
        finally
        {
            await psql.KillHardAsync();
        }

        // The server ends the session when the killed client's socket closes.
        await UntilAsync(() => contender.TryAcquireAsync());
        Assert.True(contender.IsHeld);
    }

    [Fact]
    public void Keys_are_stable_per_job_and_differ_between_jobs()
    {
        Assert.Equal(PostgresJobLock.KeyFor("work-0a1b2c3d"), PostgresJobLock.KeyFor("work-0a1b2c3d"));
        Assert.NotEqual(PostgresJobLock.KeyFor("work-0a1b2c3d"), PostgresJobLock.KeyFor("work-0a1b2c3e"));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(50);
        }
    }

    private static async Task<int> BackendPidHolding(string database, long key)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 " +
            "AND classid::bigint = @high AND objid::bigint = @low", connection);
        command.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
        command.Parameters.AddWithValue("low", (long)(uint)key);
        return await command.ExecuteScalarAsync() is int pid ? pid : 0;
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
