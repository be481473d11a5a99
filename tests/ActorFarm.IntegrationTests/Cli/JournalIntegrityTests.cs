using ActorFarm.Hosting;
using ActorFarm.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// What the real program does when the file where its journal should be is not a journal: an
/// empty file, a truncated journal, another program's database, a text file. Each is refused
/// with exit 3 and one line naming the file and how to start over, before any task runs (no
/// side-effect file appears) and without touching the file. A journal written before journals
/// recorded their metadata resumes as before.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class JournalIntegrityTests
{
    private const int Tasks = 40;

    public enum Damage { Empty, Truncated, ForeignSqlite, TextFile }

    [Theory]
    [InlineData(Damage.Empty)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.ForeignSqlite)]
    [InlineData(Damage.TextFile)]
    public async Task A_damaged_or_foreign_journal_is_refused_with_exit_3_and_nothing_runs(Damage damage)
    {
        using var dir = new TempDirectory("actorfarm-integrity");
        var state = dir.File("state");
        var journal = SqliteJournal.DatabasePath(state);
        Directory.CreateDirectory(state);
        switch (damage)
        {
            case Damage.Empty:
                await File.WriteAllBytesAsync(journal, []);
                break;
            case Damage.Truncated:
                var whole = await RealJournalAsync(dir);
                await File.WriteAllBytesAsync(journal, whole[..(whole.Length / 2)]);
                break;
            case Damage.ForeignSqlite:
                using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = journal, Pooling = false }.ToString()))
                {
                    db.Open();
                    using var create = db.CreateCommand();
                    create.CommandText = "CREATE TABLE measurements (at TEXT, value REAL); INSERT INTO measurements VALUES ('now', 1.5)";
                    create.ExecuteNonQuery();
                }
                break;
            case Damage.TextFile:
                await File.WriteAllTextAsync(journal, "index,outcome\n1,succeeded\n");
                break;
        }
        var before = await File.ReadAllBytesAsync(journal);
        var manifest = TestManifests.CountedRuns(dir, "refused", Tasks, 0, out var executions);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(1),
            "run", "--manifest", manifest, "--state-dir", state, "--progress", "plain");

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"actorfarm: {journal} is ", line);
        Assert.EndsWith("; move it away or choose another --state-dir to start over", line);
        Assert.Empty(TestManifests.Executions(executions));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "refused")), "the refused run wrote output");
        Assert.Equal(before, await File.ReadAllBytesAsync(journal));
    }

    [Fact]
    public async Task A_journal_without_metadata_from_an_earlier_version_resumes_and_is_stamped()
    {
        using var dir = new TempDirectory("actorfarm-integrity");
        var manifest = TestManifests.CountedRuns(dir, "earlier", Tasks, 0.2, out var executions);
        var state = dir.File("state");
        var journal = SqliteJournal.DatabasePath(state);
        string[] run = ["run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--progress", "plain"];

        await using (var killed = ChildProcess.StartDotnet(FarmPrograms.CliPath, run, dir.Path, label: "actorfarm run"))
        {
            await Waiting.UntilAsync(() => JournaledCount(journal) >= 10 || killed.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(killed.HasExited, $"the run ended before the kill:\n{killed.Tail()}");
            await killed.KillHardAsync();
        }
        // What an earlier ActorFarm left behind: Akka's tables, no metadata.
        Execute(journal, $"DROP TABLE {JournalMetadata.Table}");
        await Task.Delay(200); // orphaned task processes finish their mktemp
        var journaled = JournalPeek.RecordedIndices(journal);
        var runsAtKill = TestManifests.Executions(executions);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), run);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "earlier", "results.jsonl"));
        Assert.Equal(Tasks, rows.Select(r => r.Index()).Distinct().Count());
        var runs = TestManifests.Executions(executions);
        foreach (var index in journaled)
            Assert.True(runs[index] == runsAtKill[index], $"task {index} was journaled before the kill but ran again");
        Assert.Equal("1", Scalar(journal, $"SELECT value FROM {JournalMetadata.Table} WHERE key = '{JournalMetadata.FormatVersionKey}'"));
        Assert.StartsWith("ActorFarm ", Scalar(journal, $"SELECT value FROM {JournalMetadata.Table} WHERE key = '{JournalMetadata.StampedByKey}'"));
    }

    /// <summary>The bytes of a journal the real program wrote: a finished job of a few tasks.</summary>
    private static async Task<byte[]> RealJournalAsync(TempDirectory dir)
    {
        var manifest = TestManifests.CountedRuns(dir, "real", 20, 0, out _);
        var state = dir.File("real-state");
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2),
            "run", "--manifest", manifest, "--state-dir", state, "--progress", "none");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var bytes = await File.ReadAllBytesAsync(SqliteJournal.DatabasePath(state));
        Assert.True(bytes.Length > 8192, $"the real journal is only {bytes.Length} bytes");
        return bytes;
    }

    private static int JournaledCount(string journal)
    {
        if (!File.Exists(journal)) return 0;
        try
        {
            return JournalPeek.RecordedIndices(journal).Count;
        }
        catch (SqliteException)
        {
            return 0; // tables not created yet
        }
    }

    private static string? Scalar(string path, string sql)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    private static void Execute(string path, string sql)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
