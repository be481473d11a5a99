using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using Akka.Configuration;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm run --manifest jobs.hocon</c>: runs the manifest's jobs on an embedded
/// single-node farm in this process. Running it again after a crash resumes the jobs.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var manifest = CommonOptions.Manifest();
        var state = CommonOptions.StateDirectory();
        var slots = CommonOptions.Slots();
        var json = CommonOptions.Json();
        var outputDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "Write results and task output under this directory instead of the manifest's output.directory." };
        var csv = CommonOptions.AlsoCsv();
        var progress = CommonOptions.Progress();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var config = CommonOptions.Config();
        var handlers = CommonOptions.Handlers();
        var dashboard = CommonOptions.Dashboard();
        var readOnly = CommonOptions.ReadOnlyDashboard();

        var command = new Command("run", "Run a manifest's jobs on this machine (an embedded single-node farm); resumes them if they ran before.")
        {
            manifest, state, slots, outputDir, csv, progress, json, verbose, logFormat, config, handlers, dashboard, readOnly,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var options = ManifestOptions.Default with { OutputDirectoryOverride = parse.GetValue(outputDir)?.FullName };
            var loaded = ManifestInput.TryLoad(parse.GetValue(manifest)!.FullName, options, output);
            if (loaded is null) return ExitCodes.BadInput;

            if (!TryReadConfig(parse.GetValue(config), output, out var extra)) return ExitCodes.BadInput;
            if (EmbeddedSlots.Problems(loaded, EmbeddedSlots.Of(parse.GetValue(slots), extra)) is { Count: > 0 } unfit)
            {
                output.ManifestInvalid(loaded.SourceFile, unfit);
                return ExitCodes.BadInput;
            }
            var farm = EmbeddedFarm(parse.GetValue(state)!, parse.GetValue(slots), parse.GetValue(verbose), extra,
                CommonOptions.HandlerPaths(parse.GetValue(handlers)));
            return await FarmSession.RunAsync(farm, output, new Following(parse.GetValue(progress), parse.GetValue(csv)),
                client => JobSubmission.SubmitAllAsync(client, loaded.Jobs, output, ct),
                ct, DashboardStart.Options(parse.GetValue(dashboard), parse.GetValue(readOnly), accessFile: null));
        });
        return command;
    }

    internal static FarmOptions EmbeddedFarm(DirectoryInfo state, int? slots, bool verbose, Config? extra = null,
        IReadOnlyList<string>? handlerAssemblies = null)
    {
        return new FarmOptions
        {
            StateDirectory = state.FullName,
            Slots = slots,
            NodeName = "local",
            HandlerAssemblies = handlerAssemblies ?? [],
            // Ctrl+C reaches the tasks too (one process group): what it kills goes back, not failed.
            ObserveStopSignals = true,
            // Akka's own INFO lines would scroll the progress bar away: only with --verbose.
            Config = CliConfig.For(verbose, extra),
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
