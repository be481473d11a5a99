using System.CommandLine;
using ActorFarm.Cli.Output;

namespace ActorFarm.Cli.Commands;

/// <summary><c>actorfarm cancel &lt;job&gt; --cluster host:port</c>: stops a job; finished results are kept.</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "The job id (as submit printed it)." };
        var reason = new Option<string>("--reason") { Description = "Recorded in the journal with the cancellation.", DefaultValueFactory = _ => "cancelled by user" };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("cancel", "Cancel a job: no new task starts, running ones are killed, finished results are kept.") { job, reason, json, verbose, logFormat };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                // An unknown id throws UnknownJobException: one line and exit 2 (RemoteFarm).
                output.JobStatus(await client.CancelAsync(parse.GetValue(job)!, parse.GetValue(reason)!, cancellationToken: ct));
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }
}
