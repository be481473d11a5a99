namespace ActorFarm.Manifest;

/// <summary>Knobs for <see cref="ManifestLoader"/>.</summary>
public sealed record ManifestOptions
{
    public static readonly ManifestOptions Default = new();

    /// <summary>A job whose sweep has more tasks than this is rejected.</summary>
    public long MaxTasksPerJob { get; init; } = 100_000_000;

    /// <summary>When set, replaces <c>output.directory</c> of every job (a relative path resolves
    /// against the current directory, as a command-line option does).</summary>
    public string? OutputDirectoryOverride { get; init; }
}
