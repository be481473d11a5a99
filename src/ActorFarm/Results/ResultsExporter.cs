using Akka.Actor;

namespace ActorFarm.Results;

/// <summary>
/// Writes a job's results file from the journal, on a process that has the journal (a
/// coordinator; the job entity does it when the job ends). Clients without the journal use
/// <see cref="Hosting.FarmClient.ExportResultsAsync"/>, which pages through the farm.
/// </summary>
public static class ResultsExporter
{
    public static Task<string> ExportAsync(ActorSystem system, string jobId,
        ResultsFormat format = ResultsFormat.Jsonl, string? path = null, CancellationToken cancellationToken = default,
        string? queryPluginId = null) =>
        ResultsFileWriter.WriteAsync(JournalResults.StreamAsync(system, jobId, cancellationToken, queryPluginId),
            format, path, cancellationToken);
}
