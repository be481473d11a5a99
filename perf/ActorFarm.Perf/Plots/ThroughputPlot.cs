using System.Globalization;
using ActorFarm.Perf.Harness;
using ScottPlot;

namespace ActorFarm.Perf.Plots;

/// <summary>A bar per runner: the mean of its rows' rates in a results table (rows without a rate are skipped runners).</summary>
public static class ThroughputPlot
{
    public static string Write(string directory, string fileName, string title, ResultsTable table, string labelColumn, string valueColumn)
    {
        var label = IndexOf(table, labelColumn);
        var value = IndexOf(table, valueColumn);
        var bars = table.Rows
            .Where(r => r[value].Length > 0)
            .GroupBy(r => r[label])
            .Select(g => (Label: g.Key, Mean: g.Average(r => double.Parse(r[value], CultureInfo.InvariantCulture))))
            .ToList();

        var plot = new Plot();
        var positions = new List<double>();
        for (var i = 0; i < bars.Count; i++)
        {
            plot.Add.Bar(new Bar { Position = i, Value = bars[i].Mean, FillColor = Palette.Colors[i % Palette.Colors.Length] });
            positions.Add(i);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.ToArray(),
            bars.Select(b => Wrap(b.Label)).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(valueColumn);
        Directory.CreateDirectory(directory);
        plot.SavePng(Path.Combine(directory, fileName), 1000, 520);
        return fileName;
    }

    private static int IndexOf(ResultsTable table, string column) =>
        table.Columns.ToList().IndexOf(column) is var i and >= 0 ? i : throw new ArgumentException($"no column {column}");

    /// <summary>Long runner names on two lines so the labels do not overlap.</summary>
    private static string Wrap(string label)
    {
        if (label.Length <= 22) return label;
        var cut = label.LastIndexOf(' ', 22);
        return cut > 0 ? label[..cut] + "\n" + label[(cut + 1)..] : label;
    }
}
