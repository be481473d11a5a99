using System.Globalization;

namespace ActorFarm.Perf.Scaling;

/// <summary>
/// The task durations of one weak-scaling point, as the seed paper drew them: a fixed number of
/// tasks per slot, each lasting uniform(0.9·d, 1.1·d) (the paper: d = 30 s, so 27–33 s). The
/// draw is deterministic (seeded by the run's seed and the slot count), rounded to milliseconds,
/// and every system at that point runs exactly these durations in this order.
/// </summary>
public sealed class DurationPlan
{
    private DurationPlan(int slots, double nominalSeconds, double[] durations)
    {
        Slots = slots;
        NominalSeconds = nominalSeconds;
        Durations = durations;
    }

    public int Slots { get; }

    public double NominalSeconds { get; }

    public IReadOnlyList<double> Durations { get; }

    public int Tasks => Durations.Count;

    /// <summary>The ideal makespan: all the work spread evenly over the slots, no overhead, Σd / P.</summary>
    public double IdealSeconds => Durations.Sum() / Slots;

    public static DurationPlan Create(int slots, int tasksPerSlot, double nominalSeconds, int seed)
    {
        var random = new Random(HashCode.Combine(seed, slots));
        var durations = new double[slots * tasksPerSlot];
        for (var i = 0; i < durations.Length; i++)
            durations[i] = Math.Round(nominalSeconds * (0.9 + 0.2 * random.NextDouble()), 3);
        return new DurationPlan(slots, nominalSeconds, durations);
    }

    /// <summary>
    /// The makespan of greedy dispatch in index order with zero overhead: each task goes to the
    /// slot that frees first. No dynamic scheduler that keeps the order can beat it, so
    /// <see cref="IdealSeconds"/> / this is the best efficiency the definition allows for this draw.
    /// </summary>
    public double GreedyMakespanSeconds()
    {
        var free = new PriorityQueue<int, double>();
        for (var s = 0; s < Slots; s++) free.Enqueue(s, 0);
        var makespan = 0.0;
        foreach (var d in Durations)
        {
            free.TryDequeue(out var slot, out var at);
            var end = at + d;
            makespan = Math.Max(makespan, end);
            free.Enqueue(slot, end);
        }
        return makespan;
    }

    /// <summary>One duration per line, in seconds: the file the farm's sweep and the peers read.</summary>
    public string WriteFile(string directory)
    {
        var path = Path.Combine(directory, "durations.txt");
        File.WriteAllLines(path, Durations.Select(d => d.ToString("0.000", CultureInfo.InvariantCulture)));
        return path;
    }
}
