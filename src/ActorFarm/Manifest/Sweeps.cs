using System.Globalization;

namespace ActorFarm.Manifest;

/// <summary>
/// Evaluation of sweeps. Nothing here expands a sweep: the task count is a product (or the
/// common length) of axis lengths, and the parameters of one index are decoded in
/// O(number of axes) without any allocation proportional to the task count.
/// </summary>
internal static class Sweeps
{
    /// <summary>Tolerance added before flooring a float range's length, so 0.3/0.1 = 2.9999… counts 3 steps.</summary>
    private const double FloatEpsilon = 1e-9;

    /// <summary>
    /// Number of tasks: the product of the axis lengths (<see cref="long.MaxValue"/> when that
    /// overflows), the common length for <see cref="SweepMode.Zip"/> (the shortest when they
    /// differ, which validation rejects), 1 without axes.
    /// </summary>
    public static long Count(SweepSpec s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var axes = s.Axes;
        if (axes is null || axes.Length == 0) return 1;

        if (s.Mode == SweepMode.Zip)
        {
            long min = long.MaxValue;
            foreach (var a in axes) min = Math.Min(min, AxisLength(a));
            return min;
        }

        long total = 1;
        bool overflow = false;
        foreach (var a in axes)
        {
            long len = AxisLength(a);
            if (len == 0) return 0;
            if (overflow) continue;
            if (total > long.MaxValue / len) overflow = true;
            else total *= len;
        }
        return overflow ? long.MaxValue : total;
    }

    /// <summary>
    /// Writes the value of every axis at task <paramref name="index"/> into <paramref name="into"/>
    /// (overwriting entries of the same name, leaving other entries alone). Product sweeps
    /// decode the index in mixed radix with the LAST axis varying fastest; zip sweeps take the
    /// same position on every axis.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative or not below <see cref="Count"/>.</exception>
    public static void ParametersAt(SweepSpec s, long index, IDictionary<string, string> into)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(into);
        long count = Count(s);
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"task index must be in [0, {count})");

        var axes = s.Axes;
        if (axes is null || axes.Length == 0) return;

        if (s.Mode == SweepMode.Zip)
        {
            foreach (var a in axes) into[a.Name] = ValueAtUnchecked(a, index);
            return;
        }

        long rest = index;
        for (int k = axes.Length - 1; k >= 0; k--)
        {
            var a = axes[k];
            long len = AxisLength(a);
            into[a.Name] = ValueAtUnchecked(a, rest % len);
            rest /= len;
        }
    }

    /// <summary>Convenience overload that returns a new dictionary.</summary>
    public static Dictionary<string, string> ParametersAt(SweepSpec s, long index)
    {
        var d = new Dictionary<string, string>(s.Axes?.Length ?? 0, StringComparer.Ordinal);
        ParametersAt(s, index, d);
        return d;
    }

    /// <summary>Number of values of one axis (0 for an empty or invalid range).</summary>
    public static long AxisLength(SweepAxis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a switch
        {
            ListAxis l => l.Values?.Length ?? 0,
            IntRangeAxis r => IntRangeLength(r.From, r.To, r.Step),
            FloatRangeAxis f => FloatRangeLength(f.From, f.To, f.Step),
            FileLinesAxis f => Math.Max(0, f.LineCount),
            _ => throw new NotSupportedException($"unknown sweep axis type {a.GetType().Name}"),
        };
    }

    /// <summary>The value of axis <paramref name="a"/> at position <paramref name="i"/>, as text.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="i"/> is outside the axis.</exception>
    public static string ValueAt(SweepAxis a, long i)
    {
        long len = AxisLength(a);
        if (i < 0 || i >= len)
            throw new ArgumentOutOfRangeException(nameof(i), i, $"axis '{a.Name}' has {len} values");
        return ValueAtUnchecked(a, i);
    }

    internal static long IntRangeLength(long from, long to, long step)
    {
        if (step == 0) return 0;
        Int128 diff = (Int128)to - from;
        if (diff != 0 && (diff > 0) != (step > 0)) return 0;
        Int128 n = diff / step + 1;
        return n > long.MaxValue ? long.MaxValue : (long)n;
    }

    internal static long FloatRangeLength(double from, double to, double step)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(from) || !double.IsFinite(to)) return 0;
        double q = (to - from) / step;
        if (double.IsNaN(q) || q + FloatEpsilon < 0) return 0;
        double n = Math.Floor(q + FloatEpsilon) + 1;
        return n >= 9.2e18 ? long.MaxValue : (long)n;
    }

    private static string ValueAtUnchecked(SweepAxis a, long i) => a switch
    {
        ListAxis l => l.Values[i],
        // The true value lies between From and To, so wrap-around arithmetic gives it exactly.
        IntRangeAxis r => unchecked((long)((ulong)r.From + (ulong)i * (ulong)r.Step)).ToString(CultureInfo.InvariantCulture),
        FloatRangeAxis f => FormatFloat(f, i),
        FileLinesAxis f => FileLine(f, i),
        _ => throw new NotSupportedException($"unknown sweep axis type {a.GetType().Name}"),
    };

    private static string FormatFloat(FloatRangeAxis f, long i)
    {
        double v = f.From + i * f.Step;
        int decimals = Math.Max(Decimals(f.Step), Decimals(f.From));
        if (decimals <= 15) v = Math.Round(v, decimals, MidpointRounding.AwayFromZero);
        if (v == 0) v = 0; // no "-0"
        return v.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Decimals of the shortest decimal form of <paramref name="x"/> (16 when more than 15), without allocating.</summary>
    internal static int Decimals(double x)
    {
        if (!double.IsFinite(x) || x == Math.Floor(x)) return 0;
        for (int d = 1; d <= 15; d++)
            if (Math.Round(x, d) == x) return d;
        return 16;
    }

    /// <exception cref="IOException">The file cannot be read, or no longer has line <paramref name="i"/> (<see cref="FileLinesException"/>).</exception>
    private static string FileLine(FileLinesAxis f, long i)
    {
        var lines = FileLinesCache.Get(f.Path);
        if (i >= lines.LineCount)
            throw new FileLinesException(
                $"'{f.Path}' now has {lines.LineCount} non-blank lines but had {f.LineCount} when the manifest was loaded; line {i + 1} is missing");
        return lines.LineAt(i);
    }
}
