namespace ActorFarm.Protocol;

/// <summary>
/// The final result of one task, as journaled (inside <c>TaskResultsRecorded</c>), as paged to
/// clients (<see cref="ResultsPage"/>) and as exported to results.jsonl. Its JSON shape is part of
/// the journal format: rename nothing. <paramref name="Error"/> is set only when the task did not
/// succeed (rows journaled before messages had a field of their own carried a successful
/// handler's message there: they are read with it as the <paramref name="Message"/>).
/// <paramref name="Payload"/> is the handler's payload (UTF-8 JSON when <paramref name="PayloadIsJson"/>).
/// </summary>
internal sealed record TaskRecord(
    long Index,
    int Attempts,
    TaskOutcome Outcome,
    int? ExitCode,
    string Node,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string? Error,
    bool OutputTruncated,
    string? Message = null,
    byte[]? Payload = null,
    bool PayloadIsJson = false)
{
    /// <summary>
    /// This record as written since messages have their own field: a success's text read from an
    /// older row (where it was the <see cref="Error"/>) becomes the message. The same record when there is nothing to move.
    /// </summary>
    public TaskRecord Normalized() =>
        Outcome == TaskOutcome.Succeeded && Error is { } text
            ? this with { Error = null, Message = Message is null ? text : Message + "; " + text }
            : this;
}
