using ActorFarm.Results.Files;
using System.Collections.Concurrent;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Cli;

/// <summary>
/// Follows jobs to their end for <c>run</c>, <c>resume</c>, <c>rerun</c>, <c>submit --wait</c> and
/// <c>status --wait</c>: live progress, the summary, the results files where the user asked for
/// them, and the exit code.
/// </summary>
internal static class JobFollower
{
    /// <summary>
    /// Follows jobs on a farm that runs on without this command (<c>--cluster</c>): the results
    /// files are fetched through the farm when this machine has none, and a stop signal ends the
    /// wait, not the jobs (<see cref="RemoteFarm.StoppedWaiting"/>; exit code 130).
    /// </summary>
    public static async Task<int> WaitAsync(FarmClient client, IReadOnlyList<string> jobIds, IOutput output, Following follow,
        Stopwatch clock, CancellationToken ct)
    {
        try
        {
            return await FollowAsync(client, jobIds, output, follow, ensureLocalResults: true, clock, ct);
        }
        catch (OperationCanceledException)
        {
            output.Error(RemoteFarm.StoppedWaiting(jobIds));
            return ExitCodes.Interrupted;
        }
    }

    public static async Task<int> FollowAsync(FarmClient client, IReadOnlyList<string> jobIds, IOutput output,
        Following follow, bool ensureLocalResults, Stopwatch clock, CancellationToken ct)
    {
        var latest = new ConcurrentDictionary<string, JobStatusReport>();
        var watches = jobIds.Select(id => WatchAsync(client, id, latest, ct)).ToArray();
        var allEnded = Task.WhenAll(watches);
        var mode = output.AllowsProgress ? follow.Progress : ProgressMode.None;
        await ProgressView.ShowAsync(mode, () => jobIds.Where(latest.ContainsKey).Select(id => latest[id]).ToList(), allEnded, ct);
        var final = await allEnded;

        foreach (var job in final.Where(j => j.Phase != JobPhase.Unknown))
        {
            // On a cluster the coordinator wrote results.jsonl on its own disk; a client that
            // does not share it gets its copy through the farm.
            if (ensureLocalResults && (job.ResultsFile is null || !File.Exists(job.ResultsFile)))
                output.ResultsWritten(job.JobId, await client.ExportResultsAsync(job.JobId, cancellationToken: ct));
            if (follow.Csv)
                await client.ExportResultsAsync(job.JobId, ResultsFormat.Csv, cancellationToken: ct);
        }

        output.Summary(final, clock.Elapsed);
        // A job halted by a fault (its journal fails) or whose results file could not be written
        // is the farm's failure, not the tasks': one line each, exit 3. Nothing journaled is lost.
        var broken = final.Where(j => j.Halted || (j.Phase == JobPhase.Unknown && j.Fault is not null) || j.ResultsError is not null).ToList();
        foreach (var job in broken)
            output.Error(job.ResultsError is not null && !job.Halted
                ? $"job {job.JobId}: {job.ResultsError}"
                : $"job {job.JobId} halted: {job.Fault}; what is journaled is kept: run the same command again (or `actorfarm resume`) once that is fixed");
        if (broken.Count > 0) return ExitCodes.FarmError;
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
