using System.CommandLine;
using System.Diagnostics;
using ActorFarm.Cli.Output;
using ActorFarm.Manifest;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm submit --manifest jobs.hocon --cluster host:port [--wait]</c>: submits the
/// manifest's jobs to a running farm through ClusterClient (this process never joins the
/// cluster), prints their ids, and with <c>--wait</c> follows them as <c>run</c> does.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var manifest = CommonOptions.Manifest();
        var json = CommonOptions.Json();
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the jobs until they end; exit 0 when every task succeeded, 1 otherwise." };
        var csv = CommonOptions.AlsoCsv(onlyWith: "--wait");
        var progress = CommonOptions.Progress();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("submit", "Submit a manifest's jobs to a running farm cluster.") { manifest, wait, csv, progress, json, verbose, logFormat };
        remote.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var loaded = ManifestInput.TryLoad(parse.GetValue(manifest)!.FullName, ManifestOptions.Default, output);
            if (loaded is null) return ExitCodes.BadInput;

            return await remote.RunAsync(parse, output, async client =>
            {
                var ids = await JobSubmission.SubmitAllAsync(client, loaded.Jobs, output, ct);
                if (!parse.GetValue(wait)) return ExitCodes.Success;
                // True whether or not the farm itself is stopping (a stopped allocation stops both).
                return await JobFollower.WaitAsync(client, ids, output, new Following(parse.GetValue(progress), parse.GetValue(csv)), clock, ct);
            }, ct);
        });
        return command;
    }
}
