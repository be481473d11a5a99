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

    /// <summary>What a rerun did (<c>rerun</c>): started, already running, or nothing to rerun.</summary>
    void JobRerun(JobRerun rerun);

    void Summary(IReadOnlyList<JobStatusReport> jobs, TimeSpan elapsed);

    /// <summary>One job's status (<c>status &lt;job&gt;</c>, <c>cancel</c>).</summary>
    void JobStatus(JobStatusReport status);

    /// <summary>Every job the farm knows (<c>status</c> without a job).</summary>
    void JobList(IReadOnlyList<JobListEntry> jobs);

    /// <summary>A results file was written (<c>results</c>).</summary>
    void ResultsWritten(string jobId, string path);

    /// <summary>A farm node is up (<c>node</c>), or has left.</summary>
    void NodeUp(string nodeName, string address, IReadOnlyList<string> roles, int? slots, IReadOnlyList<string> handlers);

    void NodeLeft(string nodeName, string reason);

    /// <summary>Settings <c>config get</c> read, in the order asked: their values (text), or one object path → value (JSON).</summary>
    void Settings(IReadOnlyList<KeyValuePair<string, string>> settings);

    /// <summary>
    /// The dashboard is served at <paramref name="address"/>, which holds its token when
    /// <paramref name="withToken"/> (else the user gets the token from <c>actorfarm access --dashboard-token</c>).
    /// </summary>
    void DashboardUp(Uri address, bool withToken, bool readOnly);

    /// <summary>The dashboards' token (<c>access --dashboard-token</c>), alone, for a script or a browser.</summary>
    void DashboardToken(string token);

    /// <summary>The farm's access file (<c>access</c>): where it is, the farm it names, and whether this call wrote it.</summary>
    void AccessFile(string path, string fingerprint, string state);

    /// <summary>
    /// A failure, as one line on standard error (<c>actorfarm: message</c>, or a JSON object with
    /// <c>--log-format json</c>: <see cref="CliLog"/>); with <c>--verbose</c> the stack trace of
    /// <paramref name="cause"/> follows. The JSON renderer also writes it as an <c>error</c> event on
    /// standard output, so a script reading only stdout sees it.
    /// </summary>
    void Error(string message, Exception? cause = null);

    /// <summary><c>alloc add</c>: the new queue's number.</summary>
    void AllocationQueueAdded(int queueId, AllocationQueueSpec spec);

    /// <summary><c>alloc list</c>: every queue and its allocations.</summary>
    void AllocationQueues(IReadOnlyList<AllocationQueueView> queues);

    /// <summary><c>alloc remove</c>: what was cancelled.</summary>
    void AllocationQueueRemoved(AllocationQueueRemoved removed);

    /// <summary>Something the user must know that is no failure (an access file was created): one line on standard error.</summary>
    void Notice(string message) => CliLog.Notice(message);

    /// <summary>Whether live progress may be drawn on standard output.</summary>
    bool AllowsProgress { get; }
}

internal static class OutputFormat
{
    public static IOutput For(bool json, bool verbose) => json ? new JsonOutput(verbose) : new TextOutput(verbose);
}
