using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFarm.Results.Journal;

/// <summary>
/// Reads a job's journaled results in pages, straight from the journal (the single source of
/// truth), so exports hold each task exactly once however often the job crashed and resumed,
/// and a million results never sit in memory at once. After a rerun the journal holds a task's
/// earlier failures too; given the job's latest rerun (<c>supersededBefore</c>, its
/// <see cref="JobStatusReport.RerunSequenceNr"/>) they are left out, so each task still appears
/// once, with its latest result.
/// </summary>
internal static class JournalResults
{
    /// <summary>
    /// The results of the events from <paramref name="fromSequenceNr"/> (1 = the job's first
    /// event) on, less the first <paramref name="fromRecord"/> records of that event, up to
    /// <paramref name="maxRecords"/> records whose estimated size (<see cref="WireLimits"/>) stays
    /// within <paramref name="recordsBudget"/> bytes: a page ends inside an event when that event
    /// is too big for one message, and says where the next one starts. At least one record per
    /// page, so paging always advances. The first page carries the spec. Records superseded by a
    /// rerun (<see cref="IsSuperseded"/>) are skipped; a page may then hold none and not be the end.
    /// </summary>
    public static async Task<ResultsPage> ReadPageAsync(ActorSystem system, string jobId, long fromSequenceNr, int maxRecords,
        int fromRecord = 0, long recordsBudget = long.MaxValue, long supersededBefore = 0, CancellationToken cancellationToken = default,
        string? queryPluginId = null)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(queryPluginId ?? SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "results-read");
        var from = Math.Max(1, fromSequenceNr);
        var skip = Math.Max(0, fromRecord);
        // Whole events are read until one reaches the limits; the records are cut below.
        var records = 0L;
        var bytes = 0L;
        var envelopes = await journal.CurrentEventsByPersistenceId(JobIds.PersistenceId(jobId), from, long.MaxValue)
            .TakeWhile(envelope =>
            {
                if (records >= maxRecords || bytes >= recordsBudget) return false;
                if (envelope.Event is TaskResultsRecorded recorded)
                    foreach (var record in recorded.Results.AsSpan(envelope.SequenceNr == from ? Math.Min(skip, recorded.Results.Length) : 0))
                    {
                        records++;
                        bytes += WireLimits.EstimateBytes(record);
                    }
                return true;
            })
            .RunWith(Sink.Seq<EventEnvelope>(), materializer)
            .WaitAsync(cancellationToken);

        JobAccepted? accepted = null;
        var page = new List<TaskRecord>();
        long pageBytes = 0;
        var next = envelopes.Count == 0 ? from : envelopes[^1].SequenceNr + 1;
        var nextRecord = 0;
        var full = false;
        foreach (var envelope in envelopes)
        {
            if (envelope.Event is JobAccepted a) accepted = a;
            if (envelope.Event is not TaskResultsRecorded recorded) continue;
            for (var i = envelope.SequenceNr == from ? skip : 0; i < recorded.Results.Length; i++)
            {
                if (IsSuperseded(recorded.Results[i], envelope.SequenceNr, supersededBefore)) continue;
                var size = WireLimits.EstimateBytes(recorded.Results[i]);
                if (page.Count > 0 && (page.Count >= maxRecords || pageBytes + size > recordsBudget))
                {
                    (next, nextRecord, full) = (envelope.SequenceNr, i, true);
                    break;
                }
                page.Add(recorded.Results[i]);
                pageBytes += size;
            }
            if (full) break;
        }
        if (from == 1 && skip == 0 && accepted is null)
            return new ResultsPage(jobId, null, [], from, End: true, Error: $"no job '{jobId}' in the journal");

        // The stream ran out before the page filled: nothing more now.
        var end = !full && records < maxRecords && bytes < recordsBudget;
        return new ResultsPage(jobId, accepted?.Spec, page.ToArray(), next, end, NextRecord: nextRecord);
    }

    /// <summary>
    /// Every result of the job as journaled now, one page per journal event, read in a single
    /// pass (one query, streamed): what a process that has the journal uses to write the
    /// results file. Remote clients page with <see cref="ReadPageAsync"/> instead.
    /// </summary>
    /// <param name="system">An actor system with the farm's journal configured.</param>
    /// <param name="jobId">The job whose results are read.</param>
    /// <param name="supersededBefore">The job's latest rerun: failures journaled before it are left out.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="queryPluginId">The read journal's plugin id (default: Akka.Persistence.Sql's own).</param>
    /// <param name="toSequenceNr">The last event read: a job's live results file is rebuilt up to where its entity
    /// stands, and the events after it reach the file from the entity.</param>
    public static async IAsyncEnumerable<ResultsPage> StreamAsync(ActorSystem system, string jobId, long supersededBefore = 0,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default, string? queryPluginId = null,
        long toSequenceNr = long.MaxValue)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(queryPluginId ?? SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "results-stream");
        var first = true;
        await foreach (var envelope in journal.CurrentEventsByPersistenceId(JobIds.PersistenceId(jobId), 1L, toSequenceNr)
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
            {
                var records = envelope.SequenceNr < supersededBefore
                    ? Array.FindAll(recorded.Results, r => !IsSuperseded(r, envelope.SequenceNr, supersededBefore))
                    : recorded.Results;
                yield return new ResultsPage(jobId, null, records, envelope.SequenceNr + 1, End: false);
            }
        }
        if (first)
            yield return new ResultsPage(jobId, null, [], 1, End: true, Error: $"no job '{jobId}' in the journal");
    }

    /// <summary>
    /// Whether a record journaled at <paramref name="sequenceNr"/> was superseded by the rerun
    /// journaled at <paramref name="supersededBefore"/>. A rerun reopens every task whose latest
    /// result is not a success, and each reopened task gets a newer result before the job ends
    /// (a cancelled rerun records one for the tasks it did not run again): so a result before the
    /// latest rerun is superseded exactly when it is not a success. Successes are never rerun.
    /// </summary>
    public static bool IsSuperseded(TaskRecord record, long sequenceNr, long supersededBefore) =>
        sequenceNr < supersededBefore && record.Outcome != TaskOutcome.Succeeded;
}
