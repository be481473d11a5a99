namespace ActorFarm.Manifest;

/// <summary>Knobs for <see cref="ManifestLoader"/>. The limits keep hostile or mistaken input
/// (a device, a 1 GiB line, a thousand nested braces) from hanging the loader or eating memory.</summary>
public sealed record ManifestOptions
{
    /// <summary>The default limits.</summary>
    public static readonly ManifestOptions Default = new();

    /// <summary>A job whose sweep has more tasks than this is rejected.</summary>
    public long MaxTasksPerJob { get; init; } = 100_000_000;

    /// <summary>When set, replaces <c>output.directory</c> of every job (a relative path resolves
    /// against the current directory, as a command-line option does).</summary>
    public string? OutputDirectoryOverride { get; init; }

    /// <summary>A manifest file larger than this is refused before it is parsed.</summary>
    public long MaxManifestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>A line of a file-lines sweep longer than this (in bytes, without its line break)
    /// is refused. At most <see cref="FileLinesIndex.MaxLineBytesCeiling"/>, which is also what
    /// the nodes that render tasks accept.</summary>
    public int MaxSweepLineBytes { get; init; } = FileLinesIndex.DefaultMaxLineBytes;
}
