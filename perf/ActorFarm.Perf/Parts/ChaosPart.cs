using System.Diagnostics;
using ActorFarm.Hosting;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// The chaos mode (run only by name: <c>--only chaos</c>; about 10 minutes on 2 cores): the real
/// CLI runs a 20,000-task process job and is killed with SIGKILL 20 times at random moments, then
/// run to the end. Every execution leaves a file behind, so runs are counted by their side
/// effects, not by what the farm says of itself. What must hold: every task has exactly one
/// result, and no task whose result was journaled before a kill ran again; only tasks in flight at
/// a kill may run twice.
/// </summary>
public sealed class ChaosPart : IPerfPart
{
    public string Name => "chaos";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var tasks = run.Smoke ? 300 : 20_000;
        var kills = run.Smoke ? 3 : 20;
        var cli = ResumePart.CliPath(run.Options);
        var dir = run.NewScratchDirectory("chaos");
        var executions = Directory.CreateDirectory(Path.Combine(dir, "executions")).FullName;
        var manifest = BenchmarkManifests.Write(dir, $$"""
            jobs {
              chaos {
                # Each execution leaves a uniquely named file: executions/<index>.<random>
                command = ["/bin/sh", "-c", "mktemp \"$0/${index}.XXXXXX\" > /dev/null", "{{executions}}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        var state = Path.Combine(dir, "state");
        string[] args = ["run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--progress", "none"];
        var journal = new JournalProgress(SqliteJournal.DatabasePath(state));
        var random = new Random(run.Options.Seed);
        var quiet = new Quietness();
        quiet.Begin();
        var clock = Stopwatch.StartNew();

        PerfRun.Log($"chaos: {tasks:N0} process tasks, {kills} kills");
        var journaledAtKills = new List<(HashSet<long> Journaled, Dictionary<long, int> Runs)>();
        for (var kill = 0; kill < kills; kill++)
        {
            using var farm = ChildProcess.StartDotnet(cli, args, dir);
            // Killed at a random moment between 1 and 4 s after launch: in start-up, recovery,
            // or full flow, as a real crash would come.
            await Task.Delay(TimeSpan.FromSeconds(1 + 3 * random.NextDouble()), cancellationToken);
            if (farm.HasExited)
                throw new InvalidOperationException($"the run ended before kill {kill + 1} (exit {farm.ExitCode}): the job is too short for {kills} kills.\n{farm.Tail()}");
            await farm.KillHardAsync(cancellationToken);
            await Task.Delay(100, cancellationToken); // orphaned task processes finish their mktemp
            journal.Poll();
            journaledAtKills.Add((JournaledIndices(state), Executions(executions)));
            PerfRun.Log($"chaos: kill {kill + 1}: {journal.ResultsJournaled:N0} results journaled");
        }
        using (var last = ChildProcess.StartDotnet(cli, args, dir))
        {
            var code = await last.WaitForExitAsync(TimeSpan.FromMinutes(30), cancellationToken);
            if (code != 0) throw new InvalidOperationException($"the last run exited with {code}.\n{last.Tail()}");
        }
        quiet.End();

        var finalRuns = Executions(executions);
        var rows = File.ReadLines(Path.Combine(dir, "out", "chaos", "results.jsonl")).Count();
        var journaledRerun = journaledAtKills.Sum(k => k.Journaled.Count(i => finalRuns.GetValueOrDefault(i) != k.Runs.GetValueOrDefault(i)));
        var totalRuns = finalRuns.Values.Sum();
        var table = new ResultsTable("chaos",
            "tasks", "kills", "executions", "tasks run more than once", "extra executions", "journaled tasks that ran again",
            "results rows", "tasks without a result", "wall time (s)");
        table.Add(tasks, kills, totalRuns, finalRuns.Count(r => r.Value > 1), totalRuns - finalRuns.Count, journaledRerun,
            rows, tasks - finalRuns.Count, clock.Elapsed.TotalSeconds);
        run.WriteCsv(table);
        var section = run.Report.AddSection("Chaos: kill -9 during a process job",
            $"`dotnet ActorFarm.Cli.dll run --manifest M --state-dir D --slots 2` runs {tasks:N0} process tasks " +
            "(`/bin/sh -c mktemp executions/<index>.XXXXXX`); it is killed with SIGKILL " +
            $"{kills} times, each 1–4 s after its launch (seed {run.Options.Seed}), then run to the end. Executions are counted " +
            "from the side-effect files. *Journaled tasks that ran again* counts, over the kills, the tasks whose result was " +
            "in the journal at a kill and that ran again afterwards: the promise is 0. *Extra executions* are the tasks " +
            "in flight at a kill, run again.");
        section.Add(table, quiet);
        if (journaledRerun != 0 || rows != tasks || finalRuns.Count != tasks)
            section.Note($"**Broken promise: {journaledRerun} journaled tasks ran again; {rows:N0} rows for {tasks:N0} tasks.**");
    }

    private static Dictionary<long, int> Executions(string directory) =>
        Directory.EnumerateFiles(directory)
            .Select(f => long.Parse(Path.GetFileName(f).Split('.')[0], System.Globalization.CultureInfo.InvariantCulture))
            .GroupBy(i => i)
            .ToDictionary(g => g.Key, g => g.Count());

    private static HashSet<long> JournaledIndices(string state)
    {
        // Killed before the journal (or its tables) existed: nothing journaled yet.
        if (!File.Exists(SqliteJournal.DatabasePath(state))) return [];
        try
        {
            return ReadJournaledIndices(state);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return [];
        }
    }

    private static HashSet<long> ReadJournaledIndices(string state)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = SqliteJournal.DatabasePath(state),
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = 'task-results.v2'";
        var indices = new HashSet<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var doc = System.Text.Json.JsonDocument.Parse((byte[])reader[0]);
            foreach (var row in doc.RootElement.GetProperty("results").EnumerateArray())
                indices.Add(row[0].GetInt64());
        }
        return indices;
    }
}
