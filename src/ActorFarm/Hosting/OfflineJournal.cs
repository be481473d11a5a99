using ActorFarm.Coordinator;
using ActorFarm.Logs;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Results;
using ActorFarm.Results.Files;
using ActorFarm.Results.Journal;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>
/// A farm's journal read with no farm: <c>actorfarm results --state-dir|--postgres</c> after an
/// allocation ended, or beside a farm that runs. A local actor system with nothing but the read
/// journal (no cluster, no remoting, no port), through the same queries a coordinator uses
/// (<see cref="JournalResults"/>). It never writes: an SQLite journal is opened read-only and
/// without the state directory's lock, which a farm running on it holds (SQLite's write-ahead log
/// lets readers and its one writer work at once), and the plugins create no tables.
/// </summary>
internal sealed class OfflineJournal : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly SqlReadJournal _journal;
    private readonly ActorMaterializer _materializer;

    private OfflineJournal(ActorSystem system)
    {
        _system = system;
        _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        _materializer = system.Materializer(namePrefix: "offline-journal");
    }

    /// <summary>Where the journal is, for messages: the SQLite file or "PostgreSQL".</summary>
    public required string Location { get; init; }

    /// <summary>The SQLite journal of a state directory.</summary>
    /// <param name="stateDirectory">The farm's <c>--state-dir</c>.</param>
    /// <param name="config">The caller's configuration (log level and format), above the journal's.</param>
    /// <exception cref="JournalNotFoundException">The directory holds no journal.</exception>
    public static OfflineJournal OpenSqlite(string stateDirectory, Config? config = null)
    {
        var path = SqliteJournal.DatabasePath(stateDirectory);
        if (!File.Exists(path))
            throw new JournalNotFoundException(Directory.Exists(stateDirectory)
                ? $"{Path.GetFullPath(stateDirectory)} holds no journal ({SqliteJournal.FileName} is missing): give the --state-dir a farm ran with"
                : $"the state directory {Path.GetFullPath(stateDirectory)} does not exist: give the --state-dir a farm ran with");
        var readOnly = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        return Open(ReadOnly(readOnly).WithFallback(FarmConfig.Journal(stateDirectory, null)), config, path);
    }

    /// <summary>A PostgreSQL journal (<c>--postgres</c>, <c>ACTORFARM_POSTGRES</c>).</summary>
    public static OfflineJournal OpenPostgres(string connectionString, Config? config = null) =>
        Open(FarmConfig.Journal(".", connectionString), config, "the PostgreSQL journal");

    private static OfflineJournal Open(Config journal, Config? config, string location)
    {
        var readOnlyPlugins = ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.persistence.journal.sql.auto-initialize = off
            akka.persistence.snapshot-store.sql.auto-initialize = off
            """);
        var composed = readOnlyPlugins
            .WithFallback(FarmConfig.Embedded("serialization.hocon"))
            .WithFallback(journal)
            .WithFallback(FarmConfig.Embedded("logging.hocon"))
            .WithFallback(SqlPersistence.DefaultConfiguration);
        if (config is not null) composed = config.WithFallback(composed);
        var system = ActorSystem.Create("actorfarm-results", LogFormat.Apply(composed));
        return new OfflineJournal(system) { Location = location };
    }

    /// <summary>Every plugin on the read-only connection, so that none of them could write even by mistake.</summary>
    private static Config ReadOnly(string connectionString)
    {
        var quoted = FarmConfig.Quote(connectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql.connection-string = {{quoted}}
            akka.persistence.snapshot-store.sql.connection-string = {{quoted}}
            akka.persistence.query.journal.sql.connection-string = {{quoted}}
            """);
    }

    /// <summary>Every job the journal's directory registered, newest first, as its list says (a job not closed there reads as running).</summary>
    public async Task<JobListEntry[]> ListJobsAsync(CancellationToken cancellationToken = default)
    {
        var jobs = new Dictionary<string, JobListEntry>(StringComparer.Ordinal);
        await foreach (var envelope in Events(JobDirectory.PersistenceIdValue, cancellationToken))
        {
            switch (envelope.Event)
            {
                case JobRegistered e:
                    jobs[e.JobId] = new JobListEntry(e.JobId, e.Name, e.Priority, JobPhase.Running, e.At, e.Handler);
                    break;
                case JobClosed e when jobs.TryGetValue(e.JobId, out var entry):
                    jobs[e.JobId] = entry with { Phase = e.Phase };
                    break;
            }
        }
        return jobs.Values.OrderByDescending(j => j.RegisteredAt).ToArray();
    }

    /// <summary>
    /// The job a user named: its id, or its name (the newest job of that name, since running an
    /// edited manifest makes a new job under the same name). Null when nothing matches.
    /// </summary>
    public async Task<(string JobId, int SameName)?> FindJobAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var jobs = await ListJobsAsync(cancellationToken);
        if (jobs.FirstOrDefault(j => j.JobId == idOrName) is { } byId) return (byId.JobId, 1);
        var named = jobs.Where(j => j.Name == idOrName).ToList();
        return named.Count == 0 ? null : (named[0].JobId, named.Count);
    }

    /// <summary>
    /// Writes the job's results file from the journal: one row per task, its latest result (or,
    /// with <paramref name="history"/>, every result journaled); as far as journaled when the job still runs.
    /// </summary>
    /// <returns>The path written.</returns>
    /// <exception cref="InvalidOperationException">The journal holds no such job.</exception>
    public async Task<string> ExportAsync(string jobId, ResultsFormat format, string? path, bool history,
        CancellationToken cancellationToken = default)
    {
        var supersededBefore = history ? 0 : await LatestRerunAsync(jobId, cancellationToken);
        return await ResultsFileWriter.WriteAsync(JournalResults.StreamAsync(_system, jobId, supersededBefore, cancellationToken),
            format, path, cancellationToken);
    }

    /// <summary>Where the job's latest rerun is in its journal (0: none): the failures before it were run again.</summary>
    private async Task<long> LatestRerunAsync(string jobId, CancellationToken cancellationToken)
    {
        long latest = 0;
        await foreach (var envelope in Events(JobIds.PersistenceId(jobId), cancellationToken))
            if (envelope.Event is TasksReopened)
                latest = envelope.SequenceNr;
        return latest;
    }

    private async IAsyncEnumerable<EventEnvelope> Events(string persistenceId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var envelope in _journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
                           .RunAsAsyncEnumerable(_materializer).WithCancellation(cancellationToken))
            yield return envelope;
    }

    public async ValueTask DisposeAsync()
    {
        _materializer.Dispose();
        await _system.Terminate();
    }
}
