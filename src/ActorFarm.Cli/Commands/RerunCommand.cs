using System.CommandLine;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm rerun &lt;job&gt; --failed</c>: runs again the failed tasks of a finished job, on the
/// embedded farm of a state directory (<c>--state-dir</c>, as <c>run</c> and <c>resume</c>: it runs
/// them here and follows the job to its end) or on a farm cluster (<c>--cluster</c>, optionally
/// <c>--wait</c>). Attempts continue; earlier results stay in the journal; results.jsonl ends with
/// one row per task, its latest result. Asking again while the rerun runs (or after a crash) follows
/// the same rerun.
/// </summary>
internal static class RerunCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "The job id (as run or submit printed it)." };
        var failed = new Option<bool>("--failed")
        {
            Description = "Run again every task whose latest result is not a success (failed, timed out, failed to start, cancelled).",
        };
        var wait = new Option<bool>("--wait", "-w") { Description = "With --cluster: follow the job until it ends; exit 0 when every task succeeded, 1 otherwise." };
        var csv = CommonOptions.AlsoCsv();
        var progress = CommonOptions.Progress();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose, clusterRequired: false);
        // Its --config serves the embedded farm too.
        var embedded = new EmbeddedFarm(verbose, remote.ConfigFile);
        var command = new Command("rerun",
            "Run again the failed tasks of a finished job: here on the state directory's embedded farm, or on a cluster with --cluster.")
        {
            job, failed, embedded.State, embedded.Slots, embedded.Handlers, wait, csv, progress, json, verbose, logFormat,
        };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var follow = new Following(parse.GetValue(progress), parse.GetValue(csv));
            if (!parse.GetValue(failed))
            {
                output.Error("say which tasks to run again: --failed (every task whose latest result is not a success).");
                return ExitCodes.BadInput;
            }
            var id = parse.GetValue(job)!;
            if (remote.IsChosen(parse))
            {
                // Given on the command line, not merely defaulted.
                if (embedded.IsGiven(parse))
                {
                    output.Error("--state-dir, --slots and --handlers are for the embedded farm; with --cluster the farm's own nodes run the tasks.");
                    return ExitCodes.BadInput;
                }
                return await remote.RunAsync(parse, output, client => OnClusterAsync(client, id, parse.GetValue(wait), follow, output, clock, ct), ct);
            }

            if (embedded.ExistingState(parse, output, "no job to rerun (give the state directory the job ran with, or --cluster).") is null)
                return ExitCodes.BadInput;
            if (embedded.TryBuild(parse, output, out _) is not { } farm) return ExitCodes.BadInput;
            return await FarmSession.RunAsync(farm, output, follow, async client =>
            {
                output.JobRerun(await client.RerunAsync(id, RerunSelection.Failed, cancellationToken: ct));
                return [id];
            }, ct);
        });
        return command;
    }

    private static async Task<int> OnClusterAsync(FarmClient client, string id, bool wait, Following follow,
        IOutput output, Stopwatch clock, CancellationToken ct)
    {
        try
        {
            output.JobRerun(await client.RerunAsync(id, RerunSelection.Failed, cancellationToken: ct));
        }
        catch (JobRerunRefusedException e)
        {
            output.Error(e.Message);
            return e.JournalFault ? ExitCodes.FarmError : ExitCodes.BadInput;
        }
        if (!wait) return ExitCodes.Success;
        return await JobFollower.WaitAsync(client, [id], output, follow, clock, ct);
    }
}
