using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ActorFarm.Benchmarks.Support;

/// <summary>
/// "Payload bytes": the size of what a serialization benchmark produced, next to its time. A
/// benchmark records its sizes in its global setup (<see cref="Record"/>); the benchmarks run
/// in-process, so the column reads them from the same static table.
/// </summary>
public sealed class PayloadBytesColumn : IColumn
{
    public static readonly PayloadBytesColumn Instance = new();

    private static readonly ConcurrentDictionary<string, long> Sizes = new();

    /// <param name="parameters">The benchmark's parameters as <c>Name=value</c>, comma-separated, in declaration order.</param>
    public static void Record(string method, string parameters, long bytes) => Sizes[Key(method, parameters)] = bytes;

    private static string Key(string method, string parameters) => method + "|" + parameters;

    public string Id => nameof(PayloadBytesColumn);
    public string ColumnName => "Payload bytes";
    public bool AlwaysShow => false;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Size;
    public string Legend => "Size of the serialized payload (bytes)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Lookup(c) is not null);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Lookup(benchmarkCase)?.ToString() ?? "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    private static long? Lookup(BenchmarkCase benchmarkCase) =>
        Sizes.TryGetValue(Key(benchmarkCase.Descriptor.WorkloadMethod.Name,
                string.Join(",", benchmarkCase.Parameters.Items.Select(p => $"{p.Name}={p.Value}"))), out var bytes)
            ? bytes
            : null;
}
