namespace ActorFarm.Perf.Harness;

/// <summary>The summary figures the parts report of repeated runs.</summary>
public static class Statistics
{
    /// <summary>The median; for an even count, the mean of the two middle values; NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
