using Spectre.Console;

namespace ActorFarm.Cli.Output;

/// <summary>
/// Whether standard output is a terminal a person watches. Off a terminal (a pipe, a file, CI,
/// a SLURM output file) nothing is redrawn and nothing is wrapped to a guessed width.
/// </summary>
internal static class Terminal
{
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
