namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// A test that needs a real SLURM. On a machine without SLURM (no <c>sinfo</c> on PATH) it is
/// reported as skipped, decided at discovery; with <c>ACTORFARM_REQUIRE_SLURM=1</c> (CI) it always
/// runs, so a SLURM that cannot be installed or started fails it with the reason instead of
/// hiding behind a skip. <see cref="SlurmCluster"/> starts the cluster.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public const string RequireVariable = "ACTORFARM_REQUIRE_SLURM";

    public SlurmFactAttribute()
    {
        if (!Required && !SinfoOnPath())
            Skip = $"SLURM is not installed (no sinfo on PATH). As root, tests/scripts/slurm-up.sh installs and starts it; set {RequireVariable}=1 to fail instead of skipping.";
    }

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    private static bool SinfoOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "sinfo")));
}
