using System.CommandLine;
using ActorFarm.Cli;
using ActorFarm.Cli.Commands;
using ActorFarm.Cli.Output;
using ActorFarm.Logs;

var root = new RootCommand("ActorFarm: run a command thousands to millions of times over a parameter sweep, on one machine or a cluster, without losing work.")
{
    RunCommand.Create(),
    ResumeCommand.Create(),
    ValidateCommand.Create(),
    NodeCommand.Create(),
    SubmitCommand.Create(),
    StatusCommand.Create(),
    CancelCommand.Create(),
    ResultsCommand.Create(),
    AccessCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"actorfarm: {error.Message}");
    Console.Error.WriteLine("Try 'actorfarm --help'.");
    return ExitCodes.BadInput;
}
try
{
    // SIGTERM and Ctrl+C cancel the command's token; a node then drains and leaves, which may take
    // the drain grace plus the cluster's leave: give it time before the process is torn down.
    // Failures the commands do not map themselves come here rather than to System.CommandLine's
    // handler, which prints the whole stack trace.
    return await parsed.InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        EnableDefaultExceptionHandler = false,
    });
}
catch (OperationCanceledException)
{
    return ExitCodes.Interrupted;
}
catch (Exception e)
{
    OutputFormat.For(json: args.Contains("--json"), verbose: args.Contains("--verbose") || args.Contains("-v"))
        .Error(ErrorText.Cause(e), e);
    return ExitCodes.FarmError;
}
