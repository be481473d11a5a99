using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Results;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm results &lt;job&gt; --cluster host:port [--csv] [--output file] [--history]</c>: writes the
/// job's results (one row per task, its latest result; with <c>--history</c> every result ever
/// journaled), read from the journal through the farm, so it works from a machine that shares no
/// disk with the coordinator, and while the job still runs (what is journaled so far).
/// </summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "The job id (as submit printed it)." };
        var csv = new Option<bool>("--csv") { Description = "CSV instead of JSON lines." };
        var path = new Option<FileInfo?>("--output", "-o") { Description = "Where to write; default: results.jsonl (or .csv) in the job's output directory." };
        var history = new Option<bool>("--history")
        {
            Description = "Every result ever journaled, in journal order (a rerun task once per run), instead of one row per task with its latest result.",
        };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("results", "Write a job's results (JSON lines or CSV) from the journal.") { job, csv, path, history, json, verbose, logFormat };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                var id = parse.GetValue(job)!;
                var format = parse.GetValue(csv) ? ResultsFormat.Csv : ResultsFormat.Jsonl;
                var written = await client.ExportResultsAsync(id, format, parse.GetValue(path)?.FullName,
                    history: parse.GetValue(history), cancellationToken: ct);
                output.ResultsWritten(id, written);
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }
}
