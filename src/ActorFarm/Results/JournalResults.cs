using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFarm.Results;

/// <summary>
/// Reads a job's journaled results in pages, straight from the journal (the single source of
/// truth), so exports hold each task exactly once however often the job crashed and resumed,
/// and a million results never sit in memory at once.
/// </summary>
public static class JournalResults
{
    /// <summary>
    /// The results of the events from <paramref name="fromSequenceNr"/> (1 = the job's first
    /// event) on, whole events only, stopping after the event that reaches
    /// <paramref name="maxRecords"/>. The first page carries the spec.
    /// </summary>
    public static async Task<ResultsPage> ReadPageAsync(ActorSystem system, string jobId, long fromSequenceNr, int maxRecords,
        CancellationToken cancellationToken = default)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "results-read");
        var from = Math.Max(1, fromSequenceNr);
        var records = 0;
        var envelopes = await journal.CurrentEventsByPersistenceId(JobIds.PersistenceId(jobId), from, long.MaxValue)
            .TakeWhile(envelope =>
            {
                if (records >= maxRecords) return false;
                if (envelope.Event is TaskResultsRecorded recorded) records += recorded.Results.Length;
                return true;
            })
            .RunWith(Sink.Seq<EventEnvelope>(), materializer)
            .WaitAsync(cancellationToken);

        JobAccepted? accepted = null;
        var page = new List<TaskRecord>(records);
        foreach (var envelope in envelopes)
        {
            switch (envelope.Event)
            {
                case JobAccepted a:
                    accepted = a;
                    break;
                case TaskResultsRecorded recorded:
                    page.AddRange(recorded.Results);
                    break;
            }
        }
        if (from == 1 && accepted is null)
            return new ResultsPage(jobId, null, [], from, End: true, Error: $"no job '{jobId}' in the journal");

        var next = envelopes.Count == 0 ? from : envelopes[^1].SequenceNr + 1;
        var end = records < maxRecords; // the stream ran out before the page filled
        return new ResultsPage(jobId, accepted?.Spec, page.ToArray(), next, end);
    }

    /// <summary>
    /// Every result of the job as journaled now, one page per journal event, read in a single
    /// pass (one query, streamed): what a process that has the journal uses to write the
    /// results file. Remote clients page with <see cref="ReadPageAsync"/> instead.
    /// </summary>
    public static async IAsyncEnumerable<ResultsPage> StreamAsync(ActorSystem system, string jobId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "results-stream");
        var first = true;
        await foreach (var envelope in journal.CurrentEventsByPersistenceId(JobIds.PersistenceId(jobId), 1L, long.MaxValue)
                           .RunAsAsyncEnumerable(materializer).WithCancellation(cancellationToken))
        {
            if (first)
            {
                first = false;
                yield return envelope.Event is JobAccepted accepted
                    ? new ResultsPage(jobId, accepted.Spec, [], envelope.SequenceNr + 1, End: false)
                    : new ResultsPage(jobId, null, [], 1, End: true, Error: $"no job '{jobId}' in the journal");
                continue;
            }
            if (envelope.Event is TaskResultsRecorded recorded)
                yield return new ResultsPage(jobId, null, recorded.Results, envelope.SequenceNr + 1, End: false);
        }
        if (first)
            yield return new ResultsPage(jobId, null, [], 1, End: true, Error: $"no job '{jobId}' in the journal");
    }
}
