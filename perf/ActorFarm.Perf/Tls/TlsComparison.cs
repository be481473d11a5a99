using ActorFarm.Perf.Harness;

namespace ActorFarm.Perf.Tls;

/// <summary>
/// The measurements of the TLS cost part, every run's value of every metric, and what they come
/// to: per metric the median and the range (min–max) with TLS and with plain TCP, and the ratio of
/// the medians, TLS / insecure.
/// </summary>
public sealed class TlsComparison
{
    public const string Tls = "TLS";
    public const string Insecure = "insecure";

    private readonly List<(string Benchmark, string Metric, int Round, string Mode, double Value)> _samples = new();

    public void Add(string benchmark, string metric, int round, bool tls, double value) =>
        _samples.Add((benchmark, metric, round, tls ? Tls : Insecure, value));

    /// <summary>Every run's value, one row each, in the order measured (<c>tls-cost-runs.csv</c>).</summary>
    public ResultsTable Runs()
    {
        var table = new ResultsTable("tls-cost-runs", "benchmark", "metric", "round", "mode", "value");
        foreach (var s in _samples) table.Add(s.Benchmark, s.Metric, s.Round, s.Mode, s.Value);
        return table;
    }

    /// <summary>Per metric: median and range for each mode, and the ratio of the medians (<c>tls-cost.csv</c>).</summary>
    public ResultsTable Summary()
    {
        var table = new ResultsTable("tls-cost",
            "benchmark", "metric", "TLS median", "TLS min–max", "insecure median", "insecure min–max", "runs (TLS/insecure)", "TLS / insecure");
        foreach (var metric in _samples.GroupBy(s => (s.Benchmark, s.Metric)))
        {
            var tls = metric.Where(s => s.Mode == Tls).Select(s => s.Value).ToList();
            var plain = metric.Where(s => s.Mode == Insecure).Select(s => s.Value).ToList();
            double? tlsMedian = tls.Count > 0 ? Statistics.Median(tls) : null;
            double? plainMedian = plain.Count > 0 ? Statistics.Median(plain) : null;
            table.Add(metric.Key.Benchmark, metric.Key.Metric, tlsMedian, Range(tls), plainMedian, Range(plain),
                $"{tls.Count}/{plain.Count}",
                tlsMedian is { } t && plainMedian is { } p && p != 0 ? t / p : null);
        }
        return table;
    }

    private static string Range(IReadOnlyList<double> values) =>
        values.Count == 0 ? "" : $"{ResultsTable.Format(values.Min())}–{ResultsTable.Format(values.Max())}";
}
