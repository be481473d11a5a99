using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Commands;

/// <summary><c>actorfarm status [job] --cluster host:port</c>: one job's counters, or every job the farm knows.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var job = new Argument<string?>("job") { Description = "A job id (as submit printed it); without it, every job is listed.", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var remote = new RemoteFarm(verbose);
        var command = new Command("status", "Show a job's progress, or list the farm's jobs.") { job, json, verbose };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                if (parse.GetValue(job) is not { } id)
                {
                    output.JobList(await client.ListAsync(cancellationToken: ct));
                    return ExitCodes.Success;
                }
                var status = await client.StatusAsync(id, cancellationToken: ct);
                output.JobStatus(status);
                return status.Phase == JobPhase.Unknown ? ExitCodes.BadInput : ExitCodes.Success;
            }, ct);
        });
        return command;
    }
}
