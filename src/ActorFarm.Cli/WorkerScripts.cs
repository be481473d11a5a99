namespace ActorFarm.Cli;

/// <summary>Where the SLURM scripts of this ActorFarm are: ACTORFARM_HOME, or the checkout this program was built in.</summary>
internal static class WorkerScripts
{
    private const string RelativePath = "slurm/actorfarm-workers.sbatch";

    /// <summary>The allocation queues' batch script, or null when neither place has it.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("ACTORFARM_HOME") is { Length: > 0 } home)
            return Path.Combine(Path.GetFullPath(home), RelativePath);
        // src/ActorFarm.Cli/bin/Release/net10.0/ → the checkout, a few levels up.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
