using ActorFarm.Protocol;
using ActorFarm.Manifest;
using ActorFarm.Persistence;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFarm.Results;

/// <summary>
/// Writes a job's results file from its journal. The journal is the single source of truth, so
/// the file holds each task exactly once however often the job crashed and resumed; the events
/// are streamed, so exporting a million results needs no memory per task.
/// </summary>
public static class ResultsExporter
{
    public static string ResultsPath(JobSpec spec, ResultsFormat format = ResultsFormat.Jsonl) =>
        Path.Combine(spec.Output.Directory, spec.Name, format == ResultsFormat.Csv ? "results.csv" : "results.jsonl");

    /// <summary>
    /// Streams the job's journaled results to <paramref name="path"/> (default:
    /// <see cref="ResultsPath"/>), replacing it atomically, and returns the path.
    /// </summary>
    public static async Task<string> ExportAsync(ActorSystem system, string jobId,
        ResultsFormat format = ResultsFormat.Jsonl, string? path = null, CancellationToken cancellationToken = default)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "results-export");
        var persistenceId = JobIds.PersistenceId(jobId);

        // The job's first event is always its acceptance (events are never deleted), and the
        // spec in it tells the parameters of every index.
        var first = await journal.CurrentEventsByPersistenceId(persistenceId, 1L, 1L)
            .RunWith(Sink.FirstOrDefault<EventEnvelope>(), materializer).WaitAsync(cancellationToken);
        if (first?.Event is not JobAccepted accepted)
            throw new InvalidOperationException($"No job '{jobId}' in the journal.");
        var spec = accepted.Spec;

        path ??= ResultsPath(spec, format);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".partial";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16))
        using (var writer = CreateWriter(format, stream, spec.Sweep.Axes.Select(a => a.Name).ToArray()))
        {
            var parameters = new Dictionary<string, string>();
            await journal.CurrentEventsByPersistenceId(persistenceId, 2L, long.MaxValue)
                .RunForeach(envelope =>
                {
                    if (envelope.Event is not TaskResultsRecorded recorded) return;
                    foreach (var record in recorded.Results)
                    {
                        parameters.Clear();
                        Sweeps.ParametersAt(spec.Sweep, record.Index, parameters);
                        writer.Write(ResultRow.For(spec, record, parameters));
                    }
                }, materializer).WaitAsync(cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static IResultsWriter CreateWriter(ResultsFormat format, Stream stream, string[] parameterNames) =>
        format == ResultsFormat.Csv ? new CsvResultsWriter(stream, parameterNames) : new JsonlResultsWriter(stream);
}
