using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Output;

/// <summary>
/// Everything a command tells the user, in one interface with a text and a JSON renderer, so every
/// command gets both for free (as HyperQueue's output modes do).
/// </summary>
internal interface IOutput
{
    void ManifestInvalid(string path, IReadOnlyList<ManifestError> errors);

    void ManifestValid(string path, IReadOnlyList<(JobSpec Spec, string JobId)> jobs);

    void JobSubmitted(JobSubmitted submitted);

    void Summary(IReadOnlyList<JobStatusReport> jobs, TimeSpan elapsed);

    void Error(string message);

    /// <summary>Whether live progress may be drawn on standard output.</summary>
    bool AllowsProgress { get; }
}

internal static class OutputFormat
{
    public static IOutput For(bool json) => json ? new JsonOutput() : new TextOutput();
}
