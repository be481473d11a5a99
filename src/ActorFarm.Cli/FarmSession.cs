using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Logs;

namespace ActorFarm.Cli;

/// <summary>
/// Runs jobs on an embedded farm for <c>run</c>, <c>resume</c> and <c>rerun</c>: start the farm,
/// submit (or find, or rerun) the jobs, follow them until they all end, stop the farm.
/// </summary>
internal static class FarmSession
{
    public static async Task<int> RunAsync(FarmOptions options, IOutput output, Following follow,
        Func<FarmClient, Task<IReadOnlyList<string>>> startJobs, CancellationToken ct, Dashboard.DashboardOptions? dashboard = null)
    {
        var clock = Stopwatch.StartNew();
        StopSignals.Consequence = StopSignals.EmbeddedFarm;
        var (host, exitCode) = await FarmStart.TryStartAsync(options, output, "farm", ct);
        if (host is null) return exitCode;

        await using (host)
        {
            // The dashboard shows the jobs from their submission on; it stops with the run.
            await using var server = dashboard is null ? null : await DashboardStart.TryStartAsync(host.Client, dashboard, output, showToken: true, ct);
            if (dashboard is not null && server is null) return ExitCodes.FarmError;
            try
            {
                var jobIds = await startJobs(host.Client);
                return await JobFollower.FollowAsync(host.Client, jobIds, output, follow, ensureLocalResults: false, clock, ct);
            }
            catch (JobNotAcceptedException e)
            {
                output.Error(e.Message);
                return ExitCodes.FarmError;
            }
            catch (UnknownJobException e)
            {
                output.Error(e.Message);
                return ExitCodes.BadInput;
            }
            catch (JobRerunRefusedException e)
            {
                output.Error(e.Message);
                return e.JournalFault ? ExitCodes.FarmError : ExitCodes.BadInput;
            }
            catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
            {
                // Whatever the signal cut short (a submission, the follow, a results export). The farm
                // is this process's: it stops with it (its node drains: running tasks get the drain
                // grace, then go back unrun), so nothing goes on after the command.
                output.Error("interrupted; the farm in this process stops with it: finished tasks are journaled, and the same command run again runs the rest.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException)
            {
                output.Error($"the farm did not answer in time: {ErrorText.Cause(e)}", e);
                return ExitCodes.FarmError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Writing results (a full disk, a read-only directory) or the farm refusing a job.
                output.Error(ErrorText.Cause(e), e);
                return ExitCodes.FarmError;
            }
        }
    }
}
