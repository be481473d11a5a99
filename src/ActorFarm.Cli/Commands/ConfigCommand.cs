using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using Akka.Configuration;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm config get PATH... [--seconds] [--config FILE]</c>: settings as an <c>actorfarm
/// node</c> given the same <c>--config</c> has them, one line each. For scripts: the SLURM scripts ask here for the
/// farm's timings (hocon/farm.hocon and cli.hocon own them) instead of repeating their numbers.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "The setting's HOCON path, e.g. actorfarm.node.drain-grace; several: one line each, in that order.",
            Arity = ArgumentArity.OneOrMore,
        };
        var seconds = new Option<bool>("--seconds")
        {
            Description = "Read the setting as a duration and print whole seconds, rounded up (for shell arithmetic).",
        };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var get = new Command("get", "Print settings of a farm node, one value a line: the farm's defaults under --config.")
        {
            paths, seconds, config, json, verbose, logFormat,
        };
        get.SetAction(parse =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            if (!EmbeddedFarm.TryReadConfig(parse.GetValue(config), output, out var extra)) return ExitCodes.BadInput;
            var farm = CliConfig.For(verbose: false, extra).WithFallback(FarmConfig.Base());
            var settings = new List<KeyValuePair<string, string>>();
            // Every path read before any is printed: a script reads all its values or none.
            foreach (var name in parse.GetValue(paths)!)
            {
                if (!farm.HasPath(name))
                {
                    output.Error($"no setting {name}");
                    return ExitCodes.BadInput;
                }
                try
                {
                    settings.Add(new(name, parse.GetValue(seconds) ? WholeSeconds(farm.GetTimeSpan(name)) : Text(farm, name)));
                }
                catch (Exception e) when (e is ConfigurationException or FormatException or OverflowException or ArgumentException)
                {
                    output.Error($"{name} is not a duration: {e.Message}");
                    return ExitCodes.BadInput;
                }
            }
            output.Settings(settings);
            return ExitCodes.Success;
        });
        return new Command("config", "Read the farm's settings (for scripts).") { get };
    }

    private static string WholeSeconds(TimeSpan duration) => ((long)Math.Ceiling(duration.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Text(Config config, string path) =>
        config.GetValue(path) is { } value && value.IsString() ? value.GetString() : config.GetValue(path).ToString();
}
