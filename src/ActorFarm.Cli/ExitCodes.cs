namespace ActorFarm.Cli;

/// <summary>What the <c>actorfarm</c> process returns; scripts and the SLURM launcher rely on these.</summary>
internal static class ExitCodes
{
    /// <summary>Every task succeeded (or, for validate, the manifest is valid).</summary>
    public const int Success = 0;

    /// <summary>The jobs ran, and some tasks failed or a job was cancelled.</summary>
    public const int TasksFailed = 1;

    /// <summary>Bad input (manifest or arguments): nothing was started.</summary>
    public const int BadInput = 2;

    /// <summary>The farm itself failed (could not start, a timeout at the API edge).</summary>
    public const int FarmError = 3;

    /// <summary>
    /// Interrupted (Ctrl+C or SIGTERM). An embedded farm stopped with the command: the same command
    /// runs the rest. A client of a farm elsewhere stopped only waiting: the farm's jobs go on.
    /// </summary>
    public const int Interrupted = 130;
}
