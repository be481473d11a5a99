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
        var csv = new Option<bool>("--csv") { Description = "With --wait: also write results.csv next to results.jsonl." };
        var progress = RunCommand.ProgressOption();
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
                var ids = new List<string>();
                // Every job checked before any is submitted: bad input starts nothing.
                foreach (var job in loaded.Jobs) client.EnsureSpecFits(job);
                foreach (var job in loaded.Jobs)
                {
                    var submitted = await client.SubmitAsync(job, cancellationToken: ct);
                    output.JobSubmitted(submitted);
                    ids.Add(submitted.JobId);
                }
                if (!parse.GetValue(wait)) return ExitCodes.Success;
                try
                {
                    return await JobFollower.FollowAsync(client, ids, output, parse.GetValue(progress), parse.GetValue(csv),
                        ensureLocalResults: true, clock, ct);
                }
                catch (OperationCanceledException)
                {
                    // True whether or not the farm itself is stopping (a stopped allocation stops both).
                    output.Error(RemoteFarm.StoppedWaiting(ids));
                    return ExitCodes.Interrupted;
                }
            }, ct);
        });
        return command;
    }
}
