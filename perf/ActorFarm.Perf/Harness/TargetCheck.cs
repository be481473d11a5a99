namespace ActorFarm.Perf.Harness;

/// <summary>
/// A measured figure against one of step 4's targets. Targets are only reported, never used to
/// tune a benchmark: a figure below its target is listed as such.
/// </summary>
public sealed record TargetCheck(string Target, string Measured, bool Met, string Where)
{
    public static TargetCheck AtLeast(string target, double measured, double threshold, string unit, string where) =>
        new(target, $"{measured:G4} {unit}".Trim(), measured >= threshold, where);

    public static TargetCheck Below(string target, double measured, double threshold, string unit, string where) =>
        new(target, $"{measured:G4} {unit}".Trim(), measured < threshold, where);
}
