using System.Globalization;
using ActorFarm.Perf.Scaling;
using ScottPlot;

namespace ActorFarm.Perf.Plots;

/// <summary>
/// The seed paper's three plots, for our runs: efficiency, start-up ("initialization time", log
/// scale) and makespan against the slot count (log 2 scale), one series per system and node count.
/// </summary>
public static class ScalingPlots
{
    public static string Efficiency(string directory, IReadOnlyList<ScalingPoint> points, double nominal)
    {
        var plot = NewPlot(points, $"Weak scaling efficiency (10 tasks per slot, d = {Num(nominal)} s)", "Efficiency");
        AddSeries(plot, points, p => p.Efficiency);
        plot.Axes.SetLimitsY(0, 1.05);
        return Save(plot, directory, "weak-scaling-efficiency.png");
    }

    public static string Startup(string directory, IReadOnlyList<ScalingPoint> points)
    {
        var plot = NewPlot(points, "Start-up: launch until a task has run on every node", "Start-up (s), log scale");
        AddSeries(plot, points, p => Math.Log10(Math.Max(p.StartupSeconds, 0.001)));
        var decades = new[] { 0.01, 0.1, 1, 10, 100 };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            decades.Select(Math.Log10).ToArray(), decades.Select(Num).ToArray());
        return Save(plot, directory, "weak-scaling-startup.png");
    }

    public static string Makespan(string directory, IReadOnlyList<ScalingPoint> points, double nominal)
    {
        var plot = NewPlot(points, $"Makespan (ideal = 10 × d = {Num(10 * nominal)} s)", "Makespan (s)");
        AddSeries(plot, points, p => p.MakespanSeconds);
        var ideal = plot.Add.HorizontalLine(10 * nominal);
        ideal.LinePattern = LinePattern.Dashed;
        ideal.Color = Colors.Gray;
        ideal.LegendText = "ideal";
        plot.Axes.SetLimitsY(0, Math.Max(points.Max(p => p.MakespanSeconds) * 1.1, 12 * nominal));
        return Save(plot, directory, "weak-scaling-makespan.png");
    }

    private static Plot NewPlot(IReadOnlyList<ScalingPoint> points, string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("Slots (log 2 scale)");
        plot.YLabel(yLabel);
        var slots = points.Select(p => p.Slots).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            slots.Select(s => Math.Log2(s)).ToArray(), slots.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Legend.Alignment = Alignment.LowerLeft;
        return plot;
    }

    private static void AddSeries(Plot plot, IReadOnlyList<ScalingPoint> points, Func<ScalingPoint, double> y)
    {
        var series = points.GroupBy(p => (p.System, p.Nodes)).ToList();
        for (var i = 0; i < series.Count; i++)
        {
            var ordered = series[i].OrderBy(p => p.Slots).ToList();
            var line = plot.Add.Scatter(ordered.Select(p => Math.Log2(p.Slots)).ToArray(), ordered.Select(y).ToArray());
            line.Color = Palette.Colors[i % Palette.Colors.Length];
            line.MarkerSize = 8;
            line.LineWidth = 2;
            var (system, nodes) = series[i].Key;
            line.LegendText = nodes > 1 || system.Contains("nodes", StringComparison.Ordinal) ? $"{system} ({nodes} nodes)" : system;
        }
        plot.ShowLegend();
    }

    private static string Save(Plot plot, string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        plot.SavePng(Path.Combine(directory, fileName), 1100, 700);
        return fileName;
    }

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
