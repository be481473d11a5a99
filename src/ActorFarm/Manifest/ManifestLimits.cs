namespace ActorFarm.Manifest;

/// <summary>Fixed limits of the manifest format, documented in docs/manifest.md.</summary>
internal static class ManifestLimits
{
    /// <summary>
    /// Levels of nesting a manifest may have: objects, lists and the segments of dotted keys
    /// together (<c>jobs.work.sweep.x = [..]</c> is five). Real manifests use about six. Akka's
    /// HOCON parser recurses per level (100,000 nested lists overflow the stack, which kills the
    /// process) and its memory grows with the square of the depth, so deeper text is refused
    /// before that parser sees it.
    /// </summary>
    public const int MaxNestingDepth = 32;

    /// <summary>
    /// Characters of a job name. The name is a directory (one path component, at most 255 bytes
    /// on Linux file systems) and part of the journal's persistence id <c>job-&lt;name&gt;-&lt;8 hex&gt;</c>
    /// (at most 255 characters in the SQL journals).
    /// </summary>
    public const int MaxJobNameLength = 200;
}
