using System.Collections.Concurrent;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Cli;

/// <summary>
/// Follows jobs to their end for <c>run</c>, <c>resume</c> and <c>submit --wait</c>: live
/// progress, the summary, the results files where the user asked for them, and the exit code.
/// </summary>
internal static class JobFollower
{
    public static async Task<int> FollowAsync(FarmClient client, IReadOnlyList<string> jobIds, IOutput output,
        ProgressMode progress, bool csv, bool ensureLocalResults, Stopwatch clock, CancellationToken ct)
    {
        var latest = new ConcurrentDictionary<string, JobStatusReport>();
        var watches = jobIds.Select(id => WatchAsync(client, id, latest, ct)).ToArray();
        var allEnded = Task.WhenAll(watches);
        var mode = output.AllowsProgress ? progress : ProgressMode.None;
        await ProgressView.ShowAsync(mode, () => jobIds.Where(latest.ContainsKey).Select(id => latest[id]).ToList(), allEnded, ct);
        var final = await allEnded;

        foreach (var job in final.Where(j => j.Phase != JobPhase.Unknown))
        {
            // On a cluster the coordinator wrote results.jsonl on its own disk; a client that
            // does not share it gets its copy through the farm.
            if (ensureLocalResults && (job.ResultsFile is null || !File.Exists(job.ResultsFile)))
                output.ResultsWritten(job.JobId, await client.ExportResultsAsync(job.JobId, cancellationToken: ct));
            if (csv)
                await client.ExportResultsAsync(job.JobId, ResultsFormat.Csv, cancellationToken: ct);
        }

        output.Summary(final, clock.Elapsed);
        return final.All(j => j.Phase == JobPhase.Finished && j.Failed == 0) ? ExitCodes.Success : ExitCodes.TasksFailed;
    }

    private static async Task<JobStatusReport> WatchAsync(FarmClient client, string jobId,
        ConcurrentDictionary<string, JobStatusReport> latest, CancellationToken ct)
    {
        JobStatusReport? last = null;
        await foreach (var status in client.WatchAsync(jobId, cancellationToken: ct))
            latest[jobId] = last = status;
        return last ?? JobStatusReport.Unknown(jobId);
    }
}
