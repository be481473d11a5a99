using ActorFarm.Cli.Commands;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Cli;

/// <summary>A journal to read without a farm: an SQLite state directory or a PostgreSQL database.</summary>
internal sealed record JournalSource(string? StateDirectory, string? PostgresConnectionString)
{
    public static JournalSource Sqlite(string stateDirectory) => new(stateDirectory, null);

    public static JournalSource Postgres(string connectionString) => new(null, connectionString);
}

/// <summary>
/// <c>actorfarm results</c> straight from a journal (<see cref="OfflineJournal"/>): no cluster is
/// joined or started, no port opened, no lock taken, nothing written but the results file. Bad
/// input (no journal there, an unknown job) exits 2; a journal that cannot be read, or a file
/// that cannot be written, 3.
/// </summary>
internal static class OfflineResults
{
    public static async Task<int> RunAsync(JournalSource source, ResultsRequest request, IOutput output, bool verbose, FileInfo? configFile,
        CancellationToken ct)
    {
        OfflineJournal journal;
        try
        {
            var config = CliConfig.For(verbose, ExtraConfig.ReadFile(configFile));
            journal = source.PostgresConnectionString is { } pg
                ? OfflineJournal.OpenPostgres(pg, config)
                : OfflineJournal.OpenSqlite(source.StateDirectory!, config);
        }
        catch (Exception e) when (e is JournalNotFoundException or ArgumentException)
        {
            output.Error(e.Message);
            return ExitCodes.BadInput;
        }

        await using (journal)
        {
            try
            {
                if (request.JobId is not { } wanted)
                {
                    output.JobList(await journal.ListJobsAsync(ct));
                    return ExitCodes.Success;
                }
                if (await journal.FindJobAsync(wanted, ct) is not var (jobId, sameName))
                {
                    output.Error($"no job '{wanted}' in {journal.Location}; `actorfarm results` without a job lists those there are");
                    return ExitCodes.BadInput;
                }
                if (sameName > 1)
                    CliLog.Notice($"{sameName} jobs are named '{wanted}'; the newest is {jobId} (give another's id to read it)");
                output.ResultsWritten(jobId, await journal.ExportAsync(jobId, request.Format, request.Path, request.History, ct));
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is SqliteException or Npgsql.NpgsqlException)
            {
                output.Error($"reading {journal.Location} failed: {Logs.ErrorText.Cause(e)}", e);
                return ExitCodes.FarmError;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // The path written is in the message (ResultsFile), or the journal's own complaint.
                output.Error(Logs.ErrorText.Cause(e), e);
                return ExitCodes.FarmError;
            }
        }
    }
}
