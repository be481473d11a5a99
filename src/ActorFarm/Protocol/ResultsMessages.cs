using ActorFarm.Manifest;

namespace ActorFarm.Protocol;

/// <summary>
/// Reading a job's results from the journal through the farm, so a client that shares no disk
/// with the coordinator (ClusterClient on a login node) can still write results.jsonl or .csv.
/// Pages follow the journal: whole events, in order, each page bounded well under the remoting
/// frame size.
/// </summary>
internal interface IResultsQuery : IWireMessage;

/// <summary>
/// Replies <see cref="ResultsPage"/> with the results journaled from event
/// <paramref name="FromSequenceNr"/> on, skipping the first <paramref name="FromRecord"/> records
/// of that event, up to <paramref name="MaxRecords"/> records or as many as one message can carry
/// (see <see cref="WireLimits.RecordsBudget"/>). Start at 1, 0. Results that are not successes and
/// were journaled before event <paramref name="SupersededBefore"/> (a job's
/// <see cref="JobStatusReport.RerunSequenceNr"/>) are left out: a rerun gave those tasks a newer
/// result, so each task appears once, with its latest result. 0 reads every result ever journaled.
/// </summary>
internal sealed record GetResults(string JobId, long FromSequenceNr, int MaxRecords, int FromRecord = 0, long SupersededBefore = 0)
    : IResultsQuery;

/// <summary>
/// One page. <paramref name="Spec"/> is sent with the first page (it names the parameters of every
/// index); the next page starts at event <paramref name="NextSequenceNr"/>, record
/// <paramref name="NextRecord"/> of it (not 0 when the page ended inside an event too big for one
/// message); <paramref name="End"/> says there is nothing more now. <paramref name="Error"/> is set
/// instead when the job is unknown or the journal cannot be read.
/// </summary>
internal sealed record ResultsPage(
    string JobId,
    JobSpec? Spec,
    TaskRecord[] Records,
    long NextSequenceNr,
    bool End,
    string? Error = null,
    int NextRecord = 0) : IResultsQuery;
