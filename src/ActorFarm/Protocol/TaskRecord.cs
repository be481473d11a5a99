namespace ActorFarm.Protocol;

/// <summary>
/// The final result of one task, as journaled (inside <c>TaskResultsRecorded</c>), as paged to
/// clients (<see cref="ResultsPage"/>) and as exported to results.jsonl. Its JSON shape is part of
/// the journal format: rename nothing.
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
    bool OutputTruncated);
