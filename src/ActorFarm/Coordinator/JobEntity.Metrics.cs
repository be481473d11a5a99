using ActorFarm.Metrics;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

// Metrics (docs/metrics.md). Counted once per batch where the job's state changes in this life:
// leases granted, results received, attempts re-queued or retried, results journaled. Never while
// the journal is replayed: what a replay applies was counted by the life that journaled it.
internal sealed partial class JobEntity
{
    /// <summary>
    /// The task gauges are published after every message: whatever handler changed the leases
    /// or the results, the exporter reads the numbers as the message left them. It costs a few
    /// field reads and writes, no allocation.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        PublishGauges();
        return handled;
    }

    /// <summary>Running: leased tasks; pending: neither done (a final result absorbed) nor leased.</summary>
    private void PublishGauges()
    {
        if (_gauges is null) return;
        if (_phase != JobPhase.Running || _ledger is null)
        {
            _gauges.Hide();
            return;
        }
        var running = _ledger.Leased;
        _gauges.Publish(running, Math.Max(0, _ledger.Total - _succeeded - _failed - running));
    }

    /// <summary>What <see cref="Absorb"/> made of a batch: attempts back in the queue at once, and attempts to run again.</summary>
    private void CountRequeued(int requeued, int retried)
    {
        if (requeued > 0) FarmMetrics.TasksRequeued.Add(requeued, _jobTag);
        if (retried > 0) FarmMetrics.TasksRetried.Add(retried, _jobTag);
    }

    /// <summary>A write of results confirmed by the journal: how long it took, how many, and the tasks now final.</summary>
    private void CountWritten(TaskResultsRecorded written, TimeSpan took)
    {
        FarmMetrics.JournalWriteDuration.Record(took.TotalSeconds, _jobTag);
        FarmMetrics.JournalWriteBatchSize.Record(written.Results.Length, _jobTag);
        CountFinals(written.Results);
    }

    /// <summary>Final results journaled in this life: one Add per outcome, whatever their number.</summary>
    private void CountFinals(ReadOnlySpan<TaskRecord> records)
    {
        long succeeded = 0;
        foreach (var record in records)
            if (record.Outcome == TaskOutcome.Succeeded) succeeded++;
        if (succeeded > 0) FarmMetrics.TasksSucceeded.Add(succeeded, _jobTag);
        if (records.Length > succeeded) FarmMetrics.TasksFailed.Add(records.Length - succeeded, _jobTag);
    }
}
