using ActorFarm.Coordinator;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Perf.Probes;

/// <summary>
/// The coordinator's per-task bookkeeping, driven the way a job entity drives it under load:
/// lease a batch to a node, take the batch's results back, mark them journaled. Public so the
/// micro benchmarks (ActorFarm.Benchmarks) can measure the internal <see cref="TaskLedger"/>,
/// which the library shows only to this assembly.
/// </summary>
public sealed class LedgerDispatchProbe(long tasks, int batchSize)
{
    private readonly List<TaskLease> _leases = new(batchSize);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public long Tasks => tasks;

    /// <summary>Runs every task of a fresh ledger through lease → resolve → recorded; returns how many became final.</summary>
    public long RunAll()
    {
        var ledger = new TaskLedger(tasks);
        long final = 0;
        while (ledger.HasRunnable)
        {
            _leases.Clear();
            ledger.LeaseTo(ActorRefs.Nobody, batchSize, _leases);
            foreach (var lease in _leases)
            {
                var result = new TaskResult(lease.Index, lease.Attempt, TaskOutcome.Succeeded, 0, _now, _now);
                if (ledger.Resolve(result, RetryPolicy.None, 3, _now) == Verdict.Final)
                {
                    ledger.MarkRecorded(lease.Index);
                    final++;
                }
            }
        }
        return final;
    }
}

/// <summary>
/// Only the bitmap scan a lease does on a resumed job: every other 64-task word already
/// journaled, the cursor walking the gaps with <see cref="CompletionBitmap.NextClear"/>.
/// </summary>
public sealed class BitmapScanProbe
{
    private readonly CompletionBitmap _bitmap;

    public BitmapScanProbe(long length)
    {
        _bitmap = new CompletionBitmap(length);
        for (long i = 0; i < length; i++)
            if ((i >> 6) % 2 == 0) _bitmap.Set(i);
    }

    public long ClearCount => _bitmap.Length - _bitmap.SetCount;

    /// <summary>Visits every clear index; returns how many there were.</summary>
    public long ScanAll()
    {
        long found = 0;
        for (var at = _bitmap.NextClear(0); at < _bitmap.Length; at = _bitmap.NextClear(at + 1)) found++;
        return found;
    }
}
