using ActorFarm.Results.Journal;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;

namespace ActorFarm.Coordinator;

/// <summary>
/// Which tasks a rerun runs again, read from the journal: the rerun's event is a rule ("every
/// task whose latest result before this event is not a success"), so its tasks and their attempts
/// are found by reading the job's results once, whether the rerun was just asked for or is being
/// resumed after a crash. Tasks that already have a result journaled after the rerun's event are
/// left out: they never run twice.
/// </summary>
internal static class ReopenedTasks
{
    /// <summary>
    /// The tasks to run again for the rerun journaled at <paramref name="rerunSequenceNr"/>, each as
    /// its next attempt, in index order. Holds one dictionary entry per failed task while it reads;
    /// nothing per succeeded task.
    /// </summary>
    public static async Task<List<TaskLease>> ReadAsync(ActorSystem system, string jobId, long rerunSequenceNr,
        string? queryPluginId = null, CancellationToken cancellationToken = default)
    {
        // Index → attempts used, for tasks whose latest result so far is not a success.
        var failed = new Dictionary<long, int>();
        await foreach (var page in JournalResults.StreamAsync(system, jobId, cancellationToken: cancellationToken, queryPluginId: queryPluginId))
        {
            if (page.Error is not null) throw new InvalidOperationException(page.Error);
            var sequenceNr = page.NextSequenceNr - 1;
            foreach (var record in page.Records)
            {
                if (sequenceNr > rerunSequenceNr || record.Outcome == TaskOutcome.Succeeded)
                    failed.Remove(record.Index);
                else
                    failed[record.Index] = record.Attempts;
            }
        }
        var next = new List<TaskLease>(failed.Count);
        foreach (var (index, attempts) in failed) next.Add(new TaskLease(index, attempts + 1));
        next.Sort((a, b) => a.Index.CompareTo(b.Index));
        return next;
    }
}
