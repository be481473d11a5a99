using ActorFarm.Manifest;

namespace ActorFarm.Protocol;

/// <summary>
/// Reading a job's results from the journal through the farm, so a client that shares no disk
/// with the coordinator (ClusterClient on a login node) can still write results.jsonl or .csv.
/// Pages follow the journal: whole events, in order, each page bounded well under the remoting
/// frame size.
/// </summary>
public interface IResultsQuery : IWireMessage;

/// <summary>
/// Replies <see cref="ResultsPage"/> with the results journaled from event
/// <paramref name="FromSequenceNr"/> on, stopping after the event that reaches
/// <paramref name="MaxRecords"/> records. Start at 1.
/// </summary>
public sealed record GetResults(string JobId, long FromSequenceNr, int MaxRecords) : IResultsQuery;

/// <summary>
/// One page. <paramref name="Spec"/> is sent with the first page (it names the parameters of every
/// index); <paramref name="NextSequenceNr"/> is where the next page starts; <paramref name="End"/>
/// says there is nothing more now. <paramref name="Error"/> is set instead when the job is unknown
/// or the journal cannot be read.
/// </summary>
public sealed record ResultsPage(
    string JobId,
    JobSpec? Spec,
    TaskRecord[] Records,
    long NextSequenceNr,
    bool End,
    string? Error = null) : IResultsQuery;
