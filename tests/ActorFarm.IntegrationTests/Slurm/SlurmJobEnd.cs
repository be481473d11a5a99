namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>How an allocation ended: SLURM's state and exit code, and the launcher's output.</summary>
public sealed record SlurmJobEnd(string JobId, string State, int ExitCode, int Signal, string Output)
{
    public override string ToString() => $"SLURM job {JobId}: {State}, exit {ExitCode}, signal {Signal}\n{Output}";
}
