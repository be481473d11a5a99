using System.CommandLine;
using ActorFarm.Cli;
using ActorFarm.Cli.Commands;

var root = new RootCommand("ActorFarm: run a command thousands to millions of times over a parameter sweep, on one machine or a cluster, without losing work.")
{
    RunCommand.Create(),
    ResumeCommand.Create(),
    ValidateCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"actorfarm: {error.Message}");
    Console.Error.WriteLine("Try 'actorfarm --help'.");
    return ExitCodes.BadInput;
}
return await parsed.InvokeAsync();
