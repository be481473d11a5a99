using System.CommandLine;
using System.Runtime.InteropServices;
using ActorFarm.Cli;
using ActorFarm.Cli.Commands;

// A stop signal that comes before the command's own handling is in place (start-up takes a
// moment on a loaded machine) is still an interruption: exit 130, not the runtime's default 143.
var stoppedEarly = false;
var earlyStop = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }
    .Select(signal => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        stoppedEarly = true;
    }))
    .ToArray();

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
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"actorfarm: {error.Message}");
    Console.Error.WriteLine("Try 'actorfarm --help'.");
    return ExitCodes.BadInput;
}
foreach (var registration in earlyStop) registration.Dispose();
if (stoppedEarly)
{
    Console.Error.WriteLine("actorfarm: interrupted before anything started.");
    return ExitCodes.Interrupted;
}
// SIGTERM and Ctrl+C cancel the command's token; a node then drains and leaves, which may take
// the drain grace plus the cluster's leave: give it time before the process is torn down.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
