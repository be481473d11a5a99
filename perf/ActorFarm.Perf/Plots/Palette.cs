using ScottPlot;

namespace ActorFarm.Perf.Plots;

/// <summary>One colour per series, the same order in every plot, so a runner keeps its colour.</summary>
public static class Palette
{
    public static readonly Color[] Colors = new ScottPlot.Palettes.Category10().Colors;
}
