using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Tests.Manifest;

public class SweepsTests
{
    private static ListAxis List(string name, params string[] values) => new() { Name = name, Values = values };

    private static IntRangeAxis Ints(string name, long from, long to, long step = 1) => new() { Name = name, From = from, To = to, Step = step };

    private static FloatRangeAxis Floats(string name, double from, double to, double step) => new() { Name = name, From = from, To = to, Step = step };

    private static string[] Values(SweepAxis a) =>
        Enumerable.Range(0, (int)Sweeps.AxisLength(a)).Select(i => Sweeps.ValueAt(a, i)).ToArray();

    [Fact]
    public void A_sweep_without_axes_has_one_task_without_parameters()
    {
        Assert.Equal(1, Sweeps.Count(SweepSpec.Single));
        var p = new Dictionary<string, string>();
        Sweeps.ParametersAt(SweepSpec.Single, 0, p);
        Assert.Empty(p);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sweeps.ParametersAt(SweepSpec.Single, 1, p));
    }

    [Fact]
    public void Product_varies_the_last_axis_fastest()
    {
        var s = new SweepSpec { Axes = [List("a", "x", "y"), Ints("b", 1, 3)] };
        Assert.Equal(6, s.Count);
        var seen = Enumerable.Range(0, 6).Select(i => Sweeps.ParametersAt(s, i)).Select(p => p["a"] + p["b"]).ToArray();
        Assert.Equal(["x1", "x2", "x3", "y1", "y2", "y3"], seen);
    }

    [Fact]
    public void Zip_takes_the_same_position_on_every_axis()
    {
        var s = new SweepSpec { Axes = [List("a", "x", "y", "z"), Ints("b", 10, 30, 10)], Mode = SweepMode.Zip };
        Assert.Equal(3, s.Count);
        var seen = Enumerable.Range(0, 3).Select(i => Sweeps.ParametersAt(s, i)).Select(p => p["a"] + p["b"]).ToArray();
        Assert.Equal(["x10", "y20", "z30"], seen);
    }

    [Fact]
    public void Index_outside_the_sweep_is_rejected()
    {
        var s = new SweepSpec { Axes = [List("a", "x", "y")] };
        Assert.Throws<ArgumentOutOfRangeException>(() => Sweeps.ParametersAt(s, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sweeps.ParametersAt(s, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sweeps.ValueAt(s.Axes[0], 2));
    }

    [Fact]
    public void ParametersAt_leaves_other_entries_alone()
    {
        var s = new SweepSpec { Axes = [List("a", "x")] };
        var p = new Dictionary<string, string> { ["keep"] = "me", ["a"] = "old" };
        Sweeps.ParametersAt(s, 0, p);
        Assert.Equal("me", p["keep"]);
        Assert.Equal("x", p["a"]);
    }

    [Theory]
    [InlineData(1, 10, 3, new[] { "1", "4", "7", "10" })]
    [InlineData(1, 9, 3, new[] { "1", "4", "7" })]
    [InlineData(5, 5, 1, new[] { "5" })]
    [InlineData(10, 1, -3, new[] { "10", "7", "4", "1" })]
    [InlineData(-2, 2, 2, new[] { "-2", "0", "2" })]
    public void Int_ranges_include_to_when_reachable(long from, long to, long step, string[] expected) =>
        Assert.Equal(expected, Values(Ints("x", from, to, step)));

    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(1, 10, -1)]
    [InlineData(1, 10, 0)]
    public void Empty_int_ranges_have_no_values(long from, long to, long step) =>
        Assert.Equal(0, Sweeps.AxisLength(Ints("x", from, to, step)));

    [Fact]
    public void Int_range_over_the_whole_long_domain_does_not_overflow()
    {
        var a = Ints("x", long.MinValue, long.MaxValue, 1L << 62);
        Assert.Equal(4, Sweeps.AxisLength(a));
        Assert.Equal(long.MinValue.ToString(), Sweeps.ValueAt(a, 0));
        Assert.Equal((1L << 62).ToString(), Sweeps.ValueAt(a, 3)); // -2^63 + 3 * 2^62
        Assert.Equal(long.MaxValue, Sweeps.AxisLength(Ints("y", long.MinValue, long.MaxValue, 1)));
    }

    [Fact]
    public void Float_ranges_round_to_the_step_decimals()
    {
        Assert.Equal(["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"], Values(Floats("x", 0, 1, 0.1)));
        Assert.Equal(["0", "0.25", "0.5", "0.75", "1"], Values(Floats("x", 0.0, 1.0, 0.25)));
        Assert.Equal(["0.5", "1", "1.5"], Values(Floats("x", 0.5, 1.5, 0.5)));
        Assert.Equal(["1", "0.7", "0.4", "0.1"], Values(Floats("x", 1, 0.1, -0.3)));
        // 0.1 * 3 is 0.30000000000000004 in binary; the value prints as the manifest author meant it.
        Assert.Equal("0.3", Sweeps.ValueAt(Floats("x", 0, 10, 0.1), 3));
        // from with more decimals than step keeps them.
        Assert.Equal(["0.05", "0.15", "0.25"], Values(Floats("x", 0.05, 0.25, 0.1)));
    }

    [Fact]
    public void Float_range_count_tolerates_binary_rounding()
    {
        // (0.3 - 0) / 0.1 = 2.9999999999999996: the epsilon keeps 0.3 in the range.
        Assert.Equal(4, Sweeps.AxisLength(Floats("x", 0, 0.3, 0.1)));
        Assert.Equal(3, Sweeps.AxisLength(Floats("x", 0, 0.29, 0.1)));
        Assert.Equal(0, Sweeps.AxisLength(Floats("x", 1, 0, 0.1)));
        Assert.Equal(0, Sweeps.AxisLength(Floats("x", 0, 1, 0)));
    }

    [Fact]
    public void File_lines_skip_blank_lines_and_carriage_returns()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("lines.txt", "first\r\n\r\n   \r\n  second keeps its indent\n\tthird\r\n\n");
        FileLinesCache.Invalidate(path);
        var axis = new FileLinesAxis { Name = "line", Path = path, LineCount = 3 };
        Assert.Equal(["first", "  second keeps its indent", "\tthird"], Values(axis));
        Assert.Same(FileLinesCache.Get(path), FileLinesCache.Get(path));
    }

    [Fact]
    public void File_lines_are_indexed_once_and_shared_across_threads()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("many.txt", string.Join("\n", Enumerable.Range(0, 1000).Select(i => "line " + i)));
        FileLinesCache.Invalidate(path);
        var axis = new FileLinesAxis { Name = "line", Path = path, LineCount = 1000 };
        var seen = new System.Collections.Concurrent.ConcurrentBag<FileLinesIndex>();
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            Assert.Equal("line " + i, Sweeps.ValueAt(axis, i));
            seen.Add(FileLinesCache.Get(path));
        });
        Assert.Single(seen.Distinct());

        // Reload indexes the file again (the loader uses it to see the current content).
        File.AppendAllText(path, "\nline 1000\n");
        Assert.Equal(1001, FileLinesCache.Reload(path).LineCount);
    }

    [Fact]
    public void File_that_shrank_after_loading_is_reported()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("lines.txt", "one\n");
        FileLinesCache.Invalidate(path);
        var axis = new FileLinesAxis { Name = "line", Path = path, LineCount = 2 };
        var ex = Assert.Throws<FileLinesException>(() => Sweeps.ValueAt(axis, 1));
        Assert.Contains("had 2", ex.Message);
    }

    [Fact]
    public void Product_count_overflow_saturates()
    {
        var big = Ints("a", 1, 1L << 40);
        var s = new SweepSpec { Axes = [big, big with { Name = "b" }] };
        Assert.Equal(long.MaxValue, Sweeps.Count(s));
        var withEmpty = new SweepSpec { Axes = [big, big with { Name = "b" }, Ints("c", 2, 1)] };
        Assert.Equal(0, Sweeps.Count(withEmpty));
    }

    [Fact]
    public void A_million_task_sweep_is_decoded_without_materialising()
    {
        var s = new SweepSpec { Axes = [Ints("x", 0, 999), Ints("y", 0, 999)] };
        Assert.Equal(1_000_000, s.Count);
        var p = Sweeps.ParametersAt(s, 999_999);
        Assert.Equal("999", p["x"]);
        Assert.Equal("999", p["y"]);
        p = Sweeps.ParametersAt(s, 123_456);
        Assert.Equal("123", p["x"]);
        Assert.Equal("456", p["y"]);
    }

    [Fact]
    public void A_trillion_task_sweep_evaluates_random_indices_with_bounded_allocation()
    {
        var s = new SweepSpec
        {
            Axes =
            [
                Ints("a", 0, 999),
                new ListAxis { Name = "b", Values = Enumerable.Range(0, 1000).Select(i => "v" + i).ToArray() },
                Floats("c", 0, 99.9, 0.1),
                Ints("d", 1000, 1, -1),
            ],
        };
        Assert.Equal(1_000_000_000_000, s.Count);

        var last = Sweeps.ParametersAt(s, s.Count - 1);
        Assert.Equal(["999", "v999", "99.9", "1"], new[] { last["a"], last["b"], last["c"], last["d"] });

        var p = new Dictionary<string, string>();
        var random = new Random(42);
        Sweeps.ParametersAt(s, 0, p); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
            Sweeps.ParametersAt(s, random.NextInt64(s.Count), p);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Only the value strings of each call (three numbers of a few characters): far below
        // anything proportional to the 10^12 tasks, and bounded per index.
        Assert.True(allocated < 10_000 * 256, $"allocated {allocated} bytes for 10,000 indices");

        // Decoding is exact: rebuild the index from the parameters.
        long index = random.NextInt64(s.Count);
        Sweeps.ParametersAt(s, index, p);
        long rebuilt = ((long.Parse(p["a"]) * 1000 + long.Parse(p["b"][1..])) * 1000
            + (long)Math.Round(double.Parse(p["c"], System.Globalization.CultureInfo.InvariantCulture) * 10)) * 1000 + (1000 - long.Parse(p["d"]));
        Assert.Equal(index, rebuilt);
    }

    [Fact]
    public void List_only_sweeps_allocate_nothing_per_index()
    {
        var s = new SweepSpec
        {
            Axes = [List("a", "1", "2", "3"), List("b", "x", "y")],
        };
        var p = new Dictionary<string, string>();
        Sweeps.ParametersAt(s, 0, p);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) Sweeps.ParametersAt(s, i % 6, p);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024);
    }
}
