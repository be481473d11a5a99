using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Results;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm results [job] [--cluster host:port | --state-dir DIR | --postgres CONN] [--csv] [--output file] [--history]</c>:
/// writes the job's results (one row per task, its latest result; with <c>--history</c> every
/// result ever journaled), read from the journal, as far as journaled while the job still runs.
/// With <c>--cluster</c> through a running farm, so it works from a machine that shares no disk
/// with the coordinator; otherwise straight from the journal, with no farm at all
/// (<see cref="OfflineResults"/>). Without a job it lists the jobs there are.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var job = new Argument<string?>("job")
        {
            Description = "The job: its id (as submit printed it) or, read from a journal, its name (the newest job of that name). " +
                "Without it, the jobs are listed.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var jobOption = new Option<string?>("--job", "-j") { Description = "The job, as the argument (either may be used)." };
        var csv = CommonOptions.CsvInstead();
        var path = new Option<FileInfo?>("--output", "-o") { Description = "Where to write; default: results.jsonl (or .csv) in the job's output directory." };
        var history = new Option<bool>("--history")
        {
            Description = "Every result ever journaled, in journal order (a rerun task once per run), instead of one row per task with its latest result.",
        };
        var stateDirectory = new Option<DirectoryInfo?>("--state-dir")
        {
            Description = "Read the SQLite journal of this state directory, with no farm running (or beside one: read-only, no lock). " +
                "The default without --cluster and --postgres (or ACTORFARM_POSTGRES): .actorfarm.",
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Read this PostgreSQL journal (connection string; or set ACTORFARM_POSTGRES), with no farm running.",
        };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose, clusterRequired: false);
        var command = new Command("results", "Write a job's results (JSON lines or CSV) from the journal, through a farm or with none; without a job, list the jobs.")
        {
            job, jobOption, csv, path, history, stateDirectory, postgres, json, verbose, logFormat,
        };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            if (parse.GetValue(job) is { } a && parse.GetValue(jobOption) is { } b && a != b)
            {
                output.Error($"two jobs given ('{a}' and --job '{b}'): give one");
                return ExitCodes.BadInput;
            }
            var jobId = parse.GetValue(job) ?? parse.GetValue(jobOption);
            var request = new ResultsRequest(jobId, parse.GetValue(csv) ? ResultsFormat.Csv : ResultsFormat.Jsonl,
                parse.GetValue(path)?.FullName, parse.GetValue(history));
            var offline = parse.GetValue(stateDirectory) is not null || parse.GetValue(postgres) is not null;
            if (remote.IsChosen(parse))
            {
                if (offline)
                {
                    output.Error("--cluster reads the results through a farm, --state-dir and --postgres straight from a journal: give one of them");
                    return ExitCodes.BadInput;
                }
                return await remote.RunAsync(parse, output, client => ThroughFarmAsync(client, request, output, ct), ct);
            }
            if (parse.GetValue(stateDirectory) is not null && parse.GetValue(postgres) is not null)
            {
                output.Error("--state-dir names an SQLite journal and --postgres a PostgreSQL one: give one of them");
                return ExitCodes.BadInput;
            }
            var source = parse.GetValue(postgres) is { } pg ? JournalSource.Postgres(pg)
                : parse.GetValue(stateDirectory) is { } dir ? JournalSource.Sqlite(dir.FullName)
                : Environment.GetEnvironmentVariable("ACTORFARM_POSTGRES") is { Length: > 0 } env ? JournalSource.Postgres(env)
                : JournalSource.Sqlite(Path.GetFullPath(".actorfarm"));
            return await OfflineResults.RunAsync(source, request, output, parse.GetValue(verbose), parse.GetValue(remote.ConfigFile), ct);
        });
        return command;
    }

    private static async Task<int> ThroughFarmAsync(Hosting.FarmClient client, ResultsRequest request, IOutput output, CancellationToken ct)
    {
        if (request.JobId is not { } id)
        {
            output.JobList(await client.ListAsync(cancellationToken: ct));
            return ExitCodes.Success;
        }
        // A name instead of an id: the newest job of that name, as when reading a journal.
        if (!await KnownAsync(client, id, ct) && (await client.ListAsync(cancellationToken: ct)).FirstOrDefault(j => j.Name == id) is { } named)
            id = named.JobId;
        var written = await client.ExportResultsAsync(id, request.Format, request.Path, history: request.History, cancellationToken: ct);
        output.ResultsWritten(id, written);
        return ExitCodes.Success;
    }

    private static async Task<bool> KnownAsync(Hosting.FarmClient client, string id, CancellationToken ct)
    {
        try
        {
            await client.StatusAsync(id, cancellationToken: ct);
            return true;
        }
        catch (Hosting.UnknownJobException)
        {
            return false;
        }
    }
}

/// <summary>What <c>actorfarm results</c> was asked for.</summary>
internal sealed record ResultsRequest(string? JobId, ResultsFormat Format, string? Path, bool History);
