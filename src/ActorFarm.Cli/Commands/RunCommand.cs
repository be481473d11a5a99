using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Manifest;

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
        var json = CommonOptions.Json();
        var outputDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "Write results and task output under this directory instead of the manifest's output.directory." };
        var csv = CommonOptions.AlsoCsv();
        var progress = CommonOptions.Progress();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var config = CommonOptions.Config();
        var embedded = new EmbeddedFarm(verbose, config);
        var dashboard = CommonOptions.Dashboard();
        var readOnly = CommonOptions.ReadOnlyDashboard();

        var command = new Command("run", "Run a manifest's jobs on this machine (an embedded single-node farm); resumes them if they ran before.")
        {
            manifest, embedded.State, embedded.Slots, outputDir, csv, progress, json, verbose, logFormat, config, embedded.Handlers,
            dashboard, readOnly,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var options = ManifestOptions.Default with { OutputDirectoryOverride = parse.GetValue(outputDir)?.FullName };
            var loaded = ManifestInput.TryLoad(parse.GetValue(manifest)!.FullName, options, output);
            if (loaded is null) return ExitCodes.BadInput;

            if (embedded.TryBuild(parse, output, out var extra) is not { } farm) return ExitCodes.BadInput;
            if (EmbeddedSlots.Problems(loaded, EmbeddedSlots.Of(parse.GetValue(embedded.Slots), extra)) is { Count: > 0 } unfit)
            {
                output.ManifestInvalid(loaded.SourceFile, unfit);
                return ExitCodes.BadInput;
            }
            return await FarmSession.RunAsync(farm, output, new Following(parse.GetValue(progress), parse.GetValue(csv)),
                client => JobSubmission.SubmitAllAsync(client, loaded.Jobs, output, ct),
                ct, DashboardStart.Options(parse.GetValue(dashboard), parse.GetValue(readOnly), accessFile: null));
        });
        return command;
    }
}
