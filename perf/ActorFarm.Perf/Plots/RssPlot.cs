using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ScottPlot;

namespace ActorFarm.Perf.Plots;

/// <summary>RSS over time with the run's milestones (cluster Up, job accepted, final status) marked.</summary>
public static class RssPlot
{
    public static string Write(string directory, string fileName, EmbeddedRun run, string title)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(run.RssTimeline.Select(s => s.Seconds).ToArray(),
            run.RssTimeline.Select(s => ProcessMemory.Megabytes(s.RssBytes)).ToArray());
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = "RSS";
        var r = run.Report;
        Mark(plot, (r.HostStartedAt - run.LaunchedAt).TotalSeconds, "cluster Up", Colors.Gray);
        Mark(plot, (r.AcceptedAt - run.LaunchedAt).TotalSeconds, "job accepted", Colors.Green);
        Mark(plot, (r.FinalStatusAt - run.LaunchedAt).TotalSeconds, "final status", Colors.Red);
        var target = plot.Add.HorizontalLine(100);
        target.LinePattern = LinePattern.Dashed;
        target.Color = Colors.Orange;
        target.LegendText = "target 100 MB";
        plot.Title(title);
        plot.XLabel("Seconds since launch");
        plot.YLabel("RSS (MB)");
        plot.Axes.SetLimitsY(0, Math.Max(120, run.RssTimeline.Max(s => ProcessMemory.Megabytes(s.RssBytes)) * 1.1));
        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(directory);
        plot.SavePng(Path.Combine(directory, fileName), 1100, 600);
        return fileName;
    }

    private static void Mark(Plot plot, double x, string label, Color color)
    {
        var mark = plot.Add.VerticalLine(x);
        mark.Color = color;
        mark.LinePattern = LinePattern.Dotted;
        mark.LegendText = label;
    }
}
