using ActorFarm.Node.Execution;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// One task's result as data (<see cref="Hosting.IFarmClient.ReadResultsAsync"/>): the same row
/// as in results.jsonl, its latest attempt.
/// </summary>
/// <param name="Index">The task's index in the job's sweep.</param>
/// <param name="Parameters">The sweep values of the task, by axis name.</param>
/// <param name="Outcome">How its latest attempt ended.</param>
/// <param name="ExitCode">The process's or handler's exit code; null when it did not exit (timed out, failed to start, a handler exception...).</param>
/// <param name="Attempts">Attempts used, retries and reruns included.</param>
/// <param name="Node">The node that ran the latest attempt.</param>
/// <param name="Started">When the latest attempt started.</param>
/// <param name="Ended">When it ended.</param>
/// <param name="Message">The handler's message (any outcome), or a note on a successful run; null when none.</param>
/// <param name="Error">Why the task did not succeed (exit text, timeout, failure to start, handler exception...); never set on a success.</param>
/// <param name="Payload">What the handler returned with its result (<see cref="HandlerResult.Payload"/>); null when none.</param>
/// <param name="Stdout">The path of the task's captured standard output (with <c>capture = combined</c>, the combined log of the node that ran it, <c>output.&lt;node&gt;.log</c>); null when not captured.</param>
/// <param name="Stderr">The path of its captured standard error; null when not captured separately.</param>
/// <param name="OutputTruncated">Captured output was cut at the job's output limit.</param>
public sealed record TaskResultRow(
    long Index,
    IReadOnlyDictionary<string, string> Parameters,
    TaskOutcome Outcome,
    int? ExitCode,
    int Attempts,
    string Node,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string? Message,
    string? Error,
    TaskPayload? Payload,
    string? Stdout,
    string? Stderr,
    bool OutputTruncated)
{
    /// <summary>How long the latest attempt ran.</summary>
    public TimeSpan Duration => Ended - Started;
}
