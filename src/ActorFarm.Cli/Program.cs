using System.CommandLine;
using ActorFarm.Cli;
using ActorFarm.Cli.Commands;
using ActorFarm.Cli.Output;
using ActorFarm.Logs;

// Before the runtime's signal handling starts: children's exits must reach us (see ChildSignal).
ActorFarm.Node.Execution.Spawn.ChildSignal.RestoreDefaultIfIgnored();

// Before anything else: from here on a stop signal is an interruption (exit 130), never the
// runtime's default action, however early it comes.
StopSignals.Listen();

var root = new RootCommand("ActorFarm: run a command thousands to millions of times over a parameter sweep, on one machine or a cluster, without losing work.")
{
    RunCommand.Create(),
    ResumeCommand.Create(),
    RerunCommand.Create(),
    ValidateCommand.Create(),
    NodeCommand.Create(),
    SubmitCommand.Create(),
    StatusCommand.Create(),
    CancelCommand.Create(),
    ResultsCommand.Create(),
    AccessCommand.Create(),
    DashboardCommand.Create(),
    AllocCommand.Create(),
    ConfigCommand.Create(),
};

var parsed = root.Parse(args);
// Before any line is written on stderr: the format of every one (a bad --log-format is reported as text).
CliLog.UseJson(CommonOptions.AsksForJsonLogs(parsed));
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
        CliLog.Error(error.Message);
    CliLog.Hint("Try 'actorfarm --help'.");
    return ExitCodes.BadInput;
}
var json = args.Contains("--json");
var verbose = args.Contains("--verbose") || args.Contains("-v");
if (StopSignals.Received)
{
    OutputFormat.For(json, verbose).Error("interrupted before anything started; run the same command again.");
    return ExitCodes.Interrupted;
}
try
{
    // SIGTERM and Ctrl+C cancel the command's token (StopSignals, not System.CommandLine: it would
    // listen only once the action has started); a node then drains and leaves. Failures the
    // commands do not map themselves come here rather than to System.CommandLine's handler,
    // which prints the whole stack trace.
    return await parsed.InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = null,
        EnableDefaultExceptionHandler = false,
    }, StopSignals.Token);
}
catch (OperationCanceledException) when (StopSignals.Received)
{
    // A command that did not say it was interrupted (e.g. while connecting to a farm).
    OutputFormat.For(json, verbose).Error("interrupted.");
    return ExitCodes.Interrupted;
}
catch (Exception e)
{
    OutputFormat.For(json, verbose).Error(ErrorText.Cause(e), e);
    return ExitCodes.FarmError;
}
