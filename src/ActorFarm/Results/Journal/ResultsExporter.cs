using ActorFarm.Results.Files;
using Akka.Actor;

namespace ActorFarm.Results.Journal;

/// <summary>
/// Writes a job's results file from the journal, on a process that has the journal (a
/// coordinator; the job entity does it when the job ends). Clients without the journal use
/// <see cref="Hosting.FarmClient.ExportResultsAsync"/>, which pages through the farm.
/// </summary>
internal static class ResultsExporter
{
    /// <param name="system">An actor system with the farm's journal configured.</param>
    /// <param name="jobId">The job whose results are written.</param>
    /// <param name="format">The file format.</param>
    /// <param name="path">Where to write; null: the job's default results file.</param>
    /// <param name="supersededBefore">The job's latest rerun (<see cref="Protocol.JobStatusReport.RerunSequenceNr"/>): the
    /// failures it superseded are left out, so each task has one row, its latest result.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    /// <param name="queryPluginId">The read journal's plugin id (default: Akka.Persistence.Sql's own).</param>
    public static Task<string> ExportAsync(ActorSystem system, string jobId,
        ResultsFormat format = ResultsFormat.Jsonl, string? path = null, long supersededBefore = 0,
        CancellationToken cancellationToken = default, string? queryPluginId = null) =>
        ResultsFileWriter.WriteAsync(JournalResults.StreamAsync(system, jobId, supersededBefore, cancellationToken, queryPluginId),
            format, path, cancellationToken);
}
