using Akka.Actor;

namespace ActorFarm.Results;

/// <summary>
/// Writes a job's results file from the journal, on a process that has the journal (a
/// coordinator; the job entity does it when the job ends). Clients without the journal use
/// <see cref="Hosting.FarmClient.ExportResultsAsync"/>, which pages through the farm.
/// </summary>
internal static class ResultsExporter
{
    /// <param name="supersededBefore">The job's latest rerun (<see cref="Protocol.JobStatusReport.RerunSequenceNr"/>): the
    /// failures it superseded are left out, so each task has one row, its latest result.</param>
    public static Task<string> ExportAsync(ActorSystem system, string jobId,
        ResultsFormat format = ResultsFormat.Jsonl, string? path = null, long supersededBefore = 0,
        CancellationToken cancellationToken = default, string? queryPluginId = null) =>
        ResultsFileWriter.WriteAsync(JournalResults.StreamAsync(system, jobId, supersededBefore, cancellationToken, queryPluginId),
            format, path, cancellationToken);
}
