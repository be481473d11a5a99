using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Tls;

namespace ActorFarm.Perf.Embedding;

/// <summary>
/// The measurements of the embedding cost part: every run's value of every metric, and per metric
/// the median and range (min–max) of the service with the farm and without it, and the cost the
/// farm adds, <b>with − without</b> (difference of the medians). A metric only the farm has (its
/// readiness, its jobs) has no "without" value and no difference.
/// </summary>
public sealed class EmbeddingComparison
{
    public const string WithFarm = "with farm";
    public const string WithoutFarm = "without farm";

    private readonly List<(string Metric, string Source, int Round, string Variant, double Value)> _samples = new();

    public void Add(string metric, string source, int round, bool withFarm, double value) =>
        _samples.Add((metric, source, round, withFarm ? WithFarm : WithoutFarm, value));

    /// <summary>Every run's value, one row each, in the order measured (<c>embedding-cost-runs.csv</c>).</summary>
    public ResultsTable Runs()
    {
        var table = new ResultsTable("embedding-cost-runs", "metric", "round", "variant", "value");
        foreach (var s in _samples) table.Add(s.Metric, s.Round, s.Variant, s.Value);
        return table;
    }

    /// <summary>Per metric: how it is obtained, median and range per variant, runs, and with − without (<c>embedding-cost.csv</c>).</summary>
    public ResultsTable Summary()
    {
        var table = new ResultsTable("embedding-cost",
            "metric", "how obtained", "with farm median", "with farm min–max", "without farm median", "without farm min–max",
            "runs (with/without)", "with − without (medians)");
        foreach (var metric in _samples.GroupBy(s => (s.Metric, s.Source)))
        {
            var with = metric.Where(s => s.Variant == WithFarm).Select(s => s.Value).ToList();
            var without = metric.Where(s => s.Variant == WithoutFarm).Select(s => s.Value).ToList();
            double? withMedian = with.Count > 0 ? Statistics.Median(with) : null;
            double? withoutMedian = without.Count > 0 ? Statistics.Median(without) : null;
            table.Add(metric.Key.Metric, metric.Key.Source, withMedian, Range(with), withoutMedian, Range(without),
                $"{with.Count}/{without.Count}", withMedian - withoutMedian);
        }
        return table;
    }

    private static string Range(IReadOnlyList<double> values) =>
        values.Count == 0 ? "" : $"{ResultsTable.Format(values.Min())}–{ResultsTable.Format(values.Max())}";
}
