using System.CommandLine;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm status [job] --cluster host:port [--wait]</c>: one job's counters, or every job the
/// farm knows. With <c>--wait</c> it follows the job, or every unfinished job of the farm (whoever
/// submitted it, in this allocation or an earlier one of the same journal), until they end.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var job = new Argument<string?>("job") { Description = "A job id (as submit printed it); without it, every job is listed.", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json();
        var wait = new Option<bool>("--wait", "-w")
        {
            Description = "Follow the job (without one: every unfinished job of the farm) until it ends; exit 0 when every task succeeded, 1 otherwise.",
        };
        var progress = CommonOptions.Progress();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("status", "Show a job's progress, or list the farm's jobs.") { job, wait, progress, json, verbose, logFormat };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                if (parse.GetValue(wait))
                    return await FollowAsync(client, parse.GetValue(job), output, parse.GetValue(progress), clock, ct);
                if (parse.GetValue(job) is not { } id)
                {
                    output.JobList(await client.ListAsync(cancellationToken: ct));
                    return ExitCodes.Success;
                }
                // An unknown id throws UnknownJobException: one line and exit 2 (RemoteFarm).
                output.JobStatus(await client.StatusAsync(id, cancellationToken: ct));
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }

    private static async Task<int> FollowAsync(FarmClient client, string? jobId, IOutput output, ProgressMode progress,
        Stopwatch clock, CancellationToken ct)
    {
        if (jobId is not null)
            return await FollowJobsAsync(client, [jobId], output, progress, clock, ct);
        // Every unfinished job, and again until none is left: a job submitted meanwhile counts too.
        var exit = ExitCodes.Success;
        var followed = new HashSet<string>();
        try
        {
            while (await UnfinishedJobsAsync(client, followed, output, ct) is { Count: > 0 } ids)
            {
                followed.UnionWith(ids);
                var jobsExit = await FollowJobsAsync(client, ids, output, progress, clock, ct);
                if (jobsExit == ExitCodes.Interrupted) return jobsExit;
                exit = Math.Max(exit, jobsExit);
            }
        }
        catch (OperationCanceledException)
        {
            output.Error(RemoteFarm.StoppedWaiting(followed.Count > 0 ? followed : ["the farm's jobs"]));
            return ExitCodes.Interrupted;
        }
        return exit;
    }

    /// <summary>
    /// The farm's running jobs not followed yet. Asking each for its status also wakes it: a job
    /// that was running when an earlier farm on this journal stopped comes back and runs here.
    /// </summary>
    private static async Task<List<string>> UnfinishedJobsAsync(FarmClient client, HashSet<string> followed, IOutput output,
        CancellationToken ct)
    {
        var ids = new List<string>();
        foreach (var entry in await client.ListAsync(cancellationToken: ct))
        {
            if (entry.Phase != JobPhase.Running || followed.Contains(entry.JobId)) continue;
            var status = await client.StatusAsync(entry.JobId, cancellationToken: ct);
            if (status.Phase != JobPhase.Running) continue;
            output.JobSubmitted(new JobSubmitted(entry.JobId, Resumed: true, status));
            ids.Add(entry.JobId);
        }
        return ids;
    }

    private static Task<int> FollowJobsAsync(FarmClient client, List<string> ids, IOutput output, ProgressMode progress,
        Stopwatch clock, CancellationToken ct) =>
        JobFollower.WaitAsync(client, ids, output, new Following(progress, Csv: false), clock, ct);
}
