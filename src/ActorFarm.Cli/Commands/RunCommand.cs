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
        var csv = new Option<bool>("--csv") { Description = "Also write results.csv next to results.jsonl." };
        var progress = ProgressOption();
        var verbose = VerboseOption();

        var command = new Command("run", "Run a manifest's jobs on this machine (an embedded single-node farm); resumes them if they ran before.")
        {
            manifest, state, slots, outputDir, csv, progress, json, verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json));
            var options = ManifestOptions.Default with { OutputDirectoryOverride = parse.GetValue(outputDir)?.FullName };
            var loaded = ManifestInput.TryLoad(parse.GetValue(manifest)!.FullName, options, output);
            if (loaded is null) return ExitCodes.BadInput;

            var farm = EmbeddedFarm(parse.GetValue(state)!, parse.GetValue(slots), parse.GetValue(verbose));
            return await FarmSession.RunAsync(farm, output, parse.GetValue(progress), parse.GetValue(csv), async client =>
            {
                var ids = new List<string>();
                foreach (var job in loaded.Jobs)
                {
                    var submitted = await client.SubmitAsync(job, cancellationToken: ct);
                    output.JobSubmitted(submitted);
                    ids.Add(submitted.JobId);
                }
                return ids;
            }, ct);
        });
        return command;
    }

    internal static FarmOptions EmbeddedFarm(DirectoryInfo state, int? slots, bool verbose) => new()
    {
        StateDirectory = state.FullName,
        Slots = slots,
        NodeName = "local",
        // Ctrl+C reaches the tasks too (one process group): what it kills goes back, not failed.
        ObserveStopSignals = true,
        // Akka's own INFO lines would scroll the progress bar away.
        Config = verbose ? null : ConfigurationFactory.ParseString("akka.loglevel = WARNING"),
    };

    internal static Option<ProgressMode> ProgressOption() => new("--progress")
    {
        Description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none.",
        DefaultValueFactory = _ => ProgressMode.Auto,
    };

    internal static Option<bool> VerboseOption() => new("--verbose", "-v")
    {
        Description = "Show the farm's own log (Akka INFO messages).",
    };
}
