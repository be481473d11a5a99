namespace ActorFarm.Manifest;

/// <summary>
/// A <see cref="JobSpec"/> breaks a rule of the manifest format (see <see cref="JobSpecValidator"/>).
/// <see cref="Errors"/> holds every problem found, never just the first: each names the manifest
/// key path of the value (<c>jobs.work.retry.max-attempts</c>) and gives the message a manifest
/// with that value would get; a spec built in code has no line, so <see cref="ManifestError.Line"/> is null.
/// </summary>
public sealed class InvalidJobSpecException : ArgumentException
{
    /// <summary>A spec named <paramref name="jobName"/> with the problems <paramref name="errors"/>; the message lists them one per line.</summary>
    public InvalidJobSpecException(string? jobName, IReadOnlyList<ManifestError> errors)
        : base(Describe(jobName, errors))
    {
        JobName = jobName;
        Errors = errors;
    }

    /// <summary>The job's name as the spec gives it (null when it has none).</summary>
    public string? JobName { get; }

    /// <summary>Every problem found, in the order the job's keys are read.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    private static string Describe(string? jobName, IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var head = $"job '{jobName}' is invalid ({errors.Count} {(errors.Count == 1 ? "error" : "errors")}); nothing was submitted.";
        return string.Join(System.Environment.NewLine, errors.Select(e => "  " + e).Prepend(head));
    }
}
