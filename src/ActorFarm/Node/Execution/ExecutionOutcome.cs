namespace ActorFarm.Node.Execution;

/// <summary>Why an attempt ended.</summary>
internal enum TaskEndReason
{
    /// <summary>The process exited or the handler returned; see <see cref="ExecutionOutcome.ExitCode"/>.</summary>
    Exited,

    /// <summary>The job's timeout passed; the process tree was killed (or the handler cancelled).</summary>
    TimedOut,

    /// <summary>Nothing ran: the program was not found or not executable, the working directory is missing, output could not be opened.</summary>
    FailedToStart,

    /// <summary>The handler threw, or the job names a handler this node does not have.</summary>
    HandlerFailed,

    /// <summary>The worker stopped or the job was cancelled; the process tree was killed.</summary>
    Cancelled,
}

/// <summary>
/// The result of one attempt of one task. <see cref="ExitCode"/> is null unless <see cref="Reason"/>
/// is <see cref="TaskEndReason.Exited"/>. <see cref="StdoutPath"/> and <see cref="StderrPath"/> are
/// the per-task files (<see cref="ActorFarm.Manifest.OutputCapture.Files"/>) or both the job's
/// log on this node, <c>output.&lt;node&gt;.log</c> (<see cref="ActorFarm.Manifest.OutputCapture.Combined"/>); null when nothing was captured.
/// <see cref="Error"/> is the runner's own text (why the attempt failed, or a note on a run that
/// succeeded, such as output that could not be captured); <see cref="Message"/> and
/// <see cref="Payload"/> are what a handler returned.
/// </summary>
internal sealed record ExecutionOutcome(
    TaskEndReason Reason,
    int? ExitCode,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string? Error = null,
    string? StdoutPath = null,
    string? StderrPath = null,
    bool OutputTruncated = false,
    string? Message = null,
    TaskPayload? Payload = null)
{
    public bool Succeeded => Reason == TaskEndReason.Exited && ExitCode == 0;

    public TimeSpan Duration => Ended - Started;
}
