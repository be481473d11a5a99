namespace ActorFarm.Perf.Scaling;

/// <summary>
/// One measured weak-scaling point. <see cref="Efficiency"/> = ideal / makespan, where
/// ideal = Σd / slots (the work spread evenly, no overhead) and makespan runs from the first
/// task's start to the moment the submitter holds every result. Start-up (launch until a task
/// has run on every node) is apart and not in the makespan, as in the paper.
/// </summary>
public sealed record ScalingPoint(
    string System,
    int Nodes,
    int Slots,
    int Tasks,
    double NominalSeconds,
    double StartupSeconds,
    double MakespanSeconds,
    double IdealSeconds,
    double GreedyBoundSeconds)
{
    public double Efficiency => IdealSeconds / MakespanSeconds;

    /// <summary>The best efficiency any in-order dynamic dispatch could reach on this draw (zero overhead).</summary>
    public double GreedyBoundEfficiency => IdealSeconds / GreedyBoundSeconds;

    /// <summary>Efficiency ÷ the greedy bound's: the share of the reachable efficiency this system reached.</summary>
    public double SchedulingEfficiency => Efficiency / GreedyBoundEfficiency;
}
