namespace ActorFarm.Examples.Service;

/// <summary>The study this service runs (configuration section <c>Study</c>).</summary>
public sealed class StudySettings
{
    /// <summary>How many independent estimates (tasks), one per seed 1..Tasks.</summary>
    public int Tasks { get; set; } = 16;

    /// <summary>Random points per estimate.</summary>
    public int Samples { get; set; } = 200_000;

    /// <summary>Where the farm writes the job's results and output (absolute, as the farm requires).</summary>
    public string OutputDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "pi-study");
}
