using ActorFarm.Protocol;
using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Manifest;

namespace ActorFarm.Cli.Commands;

/// <summary><c>actorfarm validate --manifest jobs.hocon [--json]</c>: checks a manifest without running anything.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var manifest = CommonOptions.Manifest();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var command = new Command("validate", "Check a manifest without running anything; exit code 2 when it has errors.") { manifest, json, verbose, logFormat };
        command.SetAction(parse =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var loaded = ManifestInput.TryLoad(parse.GetValue(manifest)!.FullName, ManifestOptions.Default, output);
            if (loaded is null) return ExitCodes.BadInput;
            output.ManifestValid(loaded.SourceFile, loaded.Jobs.Select(j => (j, JobIds.For(j))).ToArray());
            return ExitCodes.Success;
        });
        return command;
    }
}
