using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

using ActorFarm.Testing.Embedding;

namespace ActorFarm.IntegrationTests.Embedding;

/// <summary>
/// Two services embedding the farm on one PostgreSQL journal (each its own cluster): the second
/// is refused at once, with an error naming the owner, and writes nothing; once the first has
/// stopped, the next service takes the journal over with the first's jobs, as a standalone farm
/// does (<c>TwoFarmsOneJournalTests</c>).
/// </summary>
public class EmbeddedPostgresLeaseTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [PostgresFact]
    public async Task A_second_service_on_the_journal_is_refused_with_the_owner_and_the_next_takes_over_once_the_first_stops()
    {
        var journal = await postgres.CreateDatabaseAsync();
        using var output = new TempDirectory("actorfarm-svc-out");
        var firstPort = FreePort.Next();
        var first = ServiceHost.Build(firstPort, farm: Farm(journal, "first"), spec: Specs.Handler("first-job", "noop", 20, output.Path));
        await first.StartAsync();
        JobStatusReport done;
        try
        {
            var runner = await first.Services.GetRequiredService<ActorRegistry>().GetAsync<JobRunnerActor>();
            done = await runner.Ask<JobStatusReport>(new JobRunnerActor.Run(), JobTimeout);
            Assert.Equal(JobPhase.Finished, done.Phase);
            Assert.Equal(20, done.Succeeded);
            var writersBefore = await Writers(journal);
            // The service's cluster is known by its configured seed nodes (WithClustering puts them in akka.cluster.seed-nodes).
            Assert.Equal([$"akka.tcp://{ServiceHost.SystemName}@127.0.0.1:{firstPort}"],
                first.Services.GetRequiredService<ActorSystem>().Settings.Config.GetStringList("akka.cluster.seed-nodes"));

            // The second service does not start: its host throws the refusal, which names the
            // owner (the first service's seed node), and the service's logs carry it at error level.
            var logs = new LogLines();
            using var second = ServiceHost.Build(FreePort.Next(), farm: Farm(journal, "second"),
                services: s => s.AddSingleton<ILoggerProvider>(logs));
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => second.StartAsync());
            Assert.Equal("JournalInUseException", refused.GetType().Name);
            Assert.Contains("the journal is in use by another farm", refused.Message);
            Assert.Contains($"akka.tcp://{ServiceHost.SystemName}@127.0.0.1:{firstPort}", refused.Message);
            Assert.Contains(logs.Entries, e => e.Level >= LogLevel.Error && e.Text.Contains(refused.Message));
            // Akka.Hosting ends the refused service's actor system; no farm was registered in it.
            await second.Services.GetRequiredService<ActorSystem>().WhenTerminated.WaitAsync(JobTimeout);
            Assert.False(second.Services.GetRequiredService<ActorRegistry>().TryGet<FarmGatewayKey>(out _));

            // The first service's job and journal are untouched: no other writer, the job still listed as done.
            Assert.Equal(writersBefore, await Writers(journal));
            var listed = Assert.Single(await first.Services.GetRequiredService<IFarmClient>().ListAsync(JobTimeout));
            Assert.Equal((done.JobId, JobPhase.Finished), (listed.JobId, listed.Phase));
        }
        finally
        {
            await first.StopAsync();
            first.Dispose();
        }

        // Once the first has stopped, a third service takes the journal over with the first's job.
        using var third = ServiceHost.Build(FreePort.Next(), farm: Farm(journal, "third"));
        await third.StartAsync();
        try
        {
            var listed = Assert.Single(await third.Services.GetRequiredService<IFarmClient>().ListAsync(JobTimeout));
            Assert.Equal((done.JobId, "first-job", JobPhase.Finished), (listed.JobId, listed.Name, listed.Phase));
        }
        finally
        {
            await third.StopAsync();
        }
    }

    private static ActorFarmOptions Farm(string journal, string node) =>
        new() { PostgresConnectionString = journal, Slots = 1, NodeName = node };

    /// <summary>The journal writers (one per actor system's journal) that have written events.</summary>
    private static async Task<string[]> Writers(string journal)
    {
        await using var connection = new NpgsqlConnection(journal);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT writer_uuid FROM journal ORDER BY 1", connection);
        var writers = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            writers.Add(reader.GetString(0));
        return [.. writers];
    }

    /// <summary>What the service's logging (Microsoft.Extensions.Logging) receives, as a service's log sink would.</summary>
    private sealed class LogLines : ILoggerProvider, ILogger
    {
        private readonly List<(LogLevel Level, string Text)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Text)> Entries
        {
            get { lock (_entries) return [.. _entries]; }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries) _entries.Add((logLevel, $"{formatter(state, exception)} {exception?.Message}"));
        }

        public void Dispose()
        {
        }
    }
}
