namespace ActorFarm.Manifest;

/// <summary>
/// One problem found in a manifest. <see cref="ToString"/> gives the usual compiler form,
/// e.g. <c>jobs.hocon:12: jobs.work.timeout: expected a duration such as "30s", got "abc"</c>.
/// </summary>
/// <param name="File">The manifest as the caller named it; for a spec built in code its
/// <see cref="JobSpec.SourceFile"/>, or empty (the text then starts with the key path).</param>
/// <param name="KeyPath">Dotted path of the key (<c>jobs.work.retry.max-attempts</c>, <c>jobs.work.command[2]</c>); empty when the problem concerns the whole file.</param>
/// <param name="Line">1-based line, when it could be found.</param>
/// <param name="Message">What is wrong and, where possible, what to do.</param>
public sealed record ManifestError(string File, string KeyPath, int? Line, string Message)
{
    /// <summary>The error as a compiler writes it: <c>file:line: key.path: message</c>, leaving out what is unknown.</summary>
    public override string ToString()
    {
        var location = Line is { } line ? $"{File}:{line}" : File;
        var where = string.IsNullOrEmpty(KeyPath) ? location : string.IsNullOrEmpty(location) ? KeyPath : $"{location}: {KeyPath}";
        return string.IsNullOrEmpty(where) ? Message : $"{where}: {Message}";
    }
}
