using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>
/// The options of a command that runs the farm in its own process (<c>run</c>, <c>resume</c>,
/// <c>rerun</c> without <c>--cluster</c>): its state directory, slots and handler assemblies, and
/// the one way they and <c>--config</c> become the farm's <see cref="FarmOptions"/>. The
/// counterpart of <see cref="RemoteFarm"/>.
/// </summary>
internal sealed class EmbeddedFarm(Option<bool> verbose, Option<FileInfo?> configFile)
{
    public Option<DirectoryInfo> State { get; } = CommonOptions.StateDirectory();

    public Option<int?> Slots { get; } = CommonOptions.Slots();

    public Option<string[]> Handlers { get; } = CommonOptions.Handlers();

    public IEnumerable<Option> Options => [State, Slots, Handlers];

    /// <summary>Whether one of its options was given on the command line, not merely defaulted.</summary>
    public bool IsGiven(ParseResult parse) => Options.Any(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>The state directory, or null (said in one line) when it holds no journal.</summary>
    public DirectoryInfo? ExistingState(ParseResult parse, IOutput output, string nothingThere)
    {
        var state = parse.GetValue(State)!;
        if (File.Exists(SqliteJournal.DatabasePath(state.FullName))) return state;
        output.Error($"no farm state in {state.FullName}: {nothingThere}");
        return null;
    }

    /// <summary>
    /// The farm's options, or null (said in one line) when the <c>--config</c> file is bad;
    /// <paramref name="extra"/> is what that file holds.
    /// </summary>
    public FarmOptions? TryBuild(ParseResult parse, IOutput output, out Config? extra)
    {
        if (!TryReadConfig(parse.GetValue(configFile), output, out extra)) return null;
        return new FarmOptions
        {
            StateDirectory = parse.GetValue(State)!.FullName,
            Slots = parse.GetValue(Slots),
            NodeName = "local",
            HandlerAssemblies = CommonOptions.HandlerPaths(parse.GetValue(Handlers)),
            // Ctrl+C reaches the tasks too (one process group): what it kills goes back, not failed.
            ObserveStopSignals = true,
            // Akka's own INFO lines would scroll the progress bar away: only with --verbose.
            Config = CliConfig.For(parse.GetValue(verbose), extra),
        };
    }

    /// <summary>Reads a <c>--config</c> file; a bad one is bad input, reported in one line.</summary>
    internal static bool TryReadConfig(FileInfo? file, IOutput output, out Config? config)
    {
        try
        {
            config = ExtraConfig.ReadFile(file);
            return true;
        }
        catch (ArgumentException e)
        {
            output.Error(e.Message);
            config = null;
            return false;
        }
    }
}
