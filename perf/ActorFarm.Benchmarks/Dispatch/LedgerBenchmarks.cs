using ActorFarm.Perf.Probes;
using BenchmarkDotNet.Attributes;

namespace ActorFarm.Benchmarks.Dispatch;

/// <summary>
/// The coordinator's cost per task: lease (bitmap scan, lease table insert), resolve (lease
/// table lookup and removal, verdict) and mark journaled, in batches as a job entity does.
/// Reported per task.
/// </summary>
public class LedgerBenchmarks
{
    private const long Tasks = 100_000;

    private LedgerDispatchProbe _probe = null!;
    private BitmapScanProbe _scan = null!;

    /// <summary>Leases per request: a 2-slot node with deep prefetch asks for about 130; 512 is a result batch.</summary>
    [Params(130, 512)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _probe = new LedgerDispatchProbe(Tasks, BatchSize);
        _scan = new BitmapScanProbe(Tasks);
    }

    [Benchmark(OperationsPerInvoke = (int)Tasks, Description = "lease + resolve + record, per task")]
    public long LeaseResolveRecord() => _probe.RunAll();

    [Benchmark(OperationsPerInvoke = (int)Tasks / 2, Description = "CompletionBitmap.NextClear over a half-full bitmap, per clear index")]
    public long NextClearScan() => _scan.ScanAll();
}
