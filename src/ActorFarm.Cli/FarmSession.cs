using System.Collections.Concurrent;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Cli;

/// <summary>
/// Runs jobs on an embedded farm for <c>run</c> and <c>resume</c>: start the farm, submit (or
/// find) the jobs, show progress until they all end, print the summary, stop the farm.
/// </summary>
internal static class FarmSession
{
    public static async Task<int> RunAsync(FarmOptions options, IOutput output, ProgressMode progress, bool csv,
        Func<FarmClient, Task<IReadOnlyList<string>>> startJobs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        FarmHost host;
        try
        {
            host = await FarmHost.StartAsync(options, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Error($"the farm could not start: {e.Message}");
            return ExitCodes.FarmError;
        }

        await using (host)
        {
            try
            {
                var jobIds = await startJobs(host.Client);
                var latest = new ConcurrentDictionary<string, JobStatusReport>();
                var watches = jobIds.Select(id => WatchAsync(host.Client, id, latest, ct)).ToArray();
                var allEnded = Task.WhenAll(watches);
                var mode = output.AllowsProgress ? progress : ProgressMode.None;
                await ProgressView.ShowAsync(mode, () => jobIds.Where(latest.ContainsKey).Select(id => latest[id]).ToList(), allEnded, ct);
                var final = await allEnded;

                if (csv)
                    foreach (var job in final.Where(j => j.Phase != JobPhase.Unknown))
                        await host.Client.ExportResultsAsync(job.JobId, ResultsFormat.Csv, cancellationToken: ct);

                output.Summary(final, clock.Elapsed);
                return final.All(j => j.Phase == JobPhase.Finished && j.Failed == 0) ? ExitCodes.Success : ExitCodes.TasksFailed;
            }
            catch (OperationCanceledException)
            {
                output.Error("interrupted; the jobs stay in the journal: run the same command again to resume them.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException)
            {
                output.Error($"the farm did not answer in time: {e.Message}");
                return ExitCodes.FarmError;
            }
        }
    }

    private static async Task<JobStatusReport> WatchAsync(FarmClient client, string jobId,
        ConcurrentDictionary<string, JobStatusReport> latest, CancellationToken ct)
    {
        JobStatusReport? last = null;
        await foreach (var status in client.WatchAsync(jobId, ct))
            latest[jobId] = last = status;
        return last ?? JobStatusReport.Unknown(jobId);
    }
}
