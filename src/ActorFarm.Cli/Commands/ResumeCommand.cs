using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Commands;

/// <summary><c>actorfarm resume</c>: continues every unfinished job of a state directory, without the manifest.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.AlsoCsv();
        var progress = CommonOptions.Progress();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var config = CommonOptions.Config();
        var embedded = new EmbeddedFarm(verbose, config);
        var command = new Command("resume", "Continue the unfinished jobs of a state directory (after a crash or kill).")
        {
            embedded.State, embedded.Slots, csv, progress, json, verbose, logFormat, config, embedded.Handlers,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            if (embedded.ExistingState(parse, output, "nothing to resume.") is null) return ExitCodes.BadInput;
            if (embedded.TryBuild(parse, output, out var extra) is not { } farm) return ExitCodes.BadInput;
            var nodeSlots = EmbeddedSlots.Of(parse.GetValue(embedded.Slots), extra);
            var unfit = 0;
            var exitCode = await FarmSession.RunAsync(farm, output, new Following(parse.GetValue(progress), parse.GetValue(csv)), async client =>
            {
                var running = (await client.ListAsync(cancellationToken: ct)).Where(j => j.Phase == JobPhase.Running).ToList();
                // A job wider than this run's one node would wait for ever: said, and not followed.
                foreach (var wide in running.Where(j => j.Cpus > nodeSlots))
                {
                    output.Error($"job {wide.JobId}: each task takes {wide.Cpus} slots, more than this machine's farm has ({nodeSlots}); resume with --slots {wide.Cpus} or more");
                    unfit++;
                }
                var unfinished = running.Where(j => j.Cpus <= nodeSlots).Select(j => j.JobId).ToList();
                foreach (var id in unfinished)
                {
                    var status = await client.StatusAsync(id, cancellationToken: ct);
                    output.JobSubmitted(new JobSubmitted(id, Resumed: true, status));
                }
                return unfinished;
            }, ct);
            return unfit > 0 && exitCode is ExitCodes.Success or ExitCodes.TasksFailed ? ExitCodes.BadInput : exitCode;
        });
        return command;
    }
}
