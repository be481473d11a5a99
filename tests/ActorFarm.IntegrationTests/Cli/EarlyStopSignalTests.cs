using System.Globalization;
using ActorFarm.Hosting;
using Microsoft.Data.Sqlite;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// An interrupted run exits 130 however early the signal comes, on the real program: `actorfarm
/// run` gets SIGTERM (or SIGINT) at several moments of its start-up (as soon as its own code runs,
/// while the arguments, the manifest and the farm start, once the first task runs; a second signal
/// too) and exits 130 each time, never the runtime's silent 143. Only a signal before the program's
/// code runs at all, while the runtime loads, still gets that (see <see cref="HasDotnetSignalHandling"/>).
/// Running the same command again then finishes every task exactly once. The moments are sampling
/// points, not timing assertions: whatever the machine's speed, each must end in 130.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class EarlyStopSignalTests
{
    private const int Tasks = 6;
    private const int Slots = 2;
    private const int Sigint = 2, Sigterm = 15;

    /// <summary>
    /// One moment per path a stop takes: before any command runs, while the farm starts (sampled
    /// twice: how far start-up has got by then depends on the machine), and mid-job, where a
    /// second SIGTERM is ignored and a second SIGINT exits at once. A first SIGINT takes the same
    /// path as a first SIGTERM (<c>StopSignals</c>), and a single signal at the first task is the
    /// first of the two SIGTERMs.
    /// </summary>
    public static TheoryData<string> Moments =>
    [
        "as soon as its code runs", "after 300 ms", "after 800 ms",
        "SIGTERM twice once the first task runs", "SIGINT twice once the first task runs",
    ];

    [Theory]
    [MemberData(nameof(Moments))]
    public async Task A_run_stopped_early_exits_130_and_the_next_run_finishes_every_task_once(string moment)
    {
        using var dir = new TempDirectory("actorfarm-early-stop");
        var manifest = TestManifests.CountedRuns(dir, "early", Tasks, 0.5, out var executions);
        string[] args = ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", Slots.ToString(CultureInfo.InvariantCulture),
            "--progress", "plain"];

        await using (var run = ChildProcess.StartDotnet(FarmPrograms.CliPath, args, dir.Path, label: "actorfarm run"))
        {
            var signal = moment.StartsWith("SIGINT", StringComparison.Ordinal) ? Sigint : Sigterm;
            await WaitForMomentAsync(moment, run, executions);
            Assert.False(run.HasExited, $"the run ended before the signal ({moment}):\n{run.Tail()}");
            run.Signal(signal);
            if (moment.Contains("twice", StringComparison.Ordinal))
            {
                await Task.Delay(50);
                run.Signal(signal);
            }
            var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));
            Assert.True(exit == 130, $"{moment}: exit {exit}\n{run.Tail()}");
            Assert.Contains("interrupted", run.Stderr);
        }

        var journaled = JournaledIndices(SqliteJournal.DatabasePath(dir.File("state")));
        var runsAtStop = TestManifests.Executions(executions);

        var (exitCode, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), args);
        Assert.True(exitCode == 0, $"{moment}: the next run exited {exitCode}\n{stdout}\n{stderr}");
        var rows = ResultsFile.Read(dir.File("out/early/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        var finalRuns = TestManifests.Executions(executions);
        Assert.Equal(Tasks, finalRuns.Count);
        foreach (var index in journaled)
            Assert.True(finalRuns[index] == runsAtStop[index], $"{moment}: task {index} was journaled before the signal but ran again");
        // Only tasks running at the signal may have run twice: at most one per slot.
        Assert.InRange(finalRuns.Values.Sum() - Tasks, 0, Slots);
    }

    /// <summary>
    /// The delays count from the moment the program's own code runs (see <see cref="HasDotnetSignalHandling"/>),
    /// not from the process's start: on a loaded machine the runtime alone may take longer than the first delays.
    /// </summary>
    private static async Task WaitForMomentAsync(string moment, ChildProcess run, string executions)
    {
        await Waiting.UntilAsync(() => HasDotnetSignalHandling(run.Pid) || run.HasExited, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(1));
        if (moment.EndsWith("ms", StringComparison.Ordinal))
            await Task.Delay(int.Parse(moment.Split(' ')[^2], CultureInfo.InvariantCulture));
        else if (moment.Contains("first task", StringComparison.Ordinal))
            await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count > 0 || run.HasExited, TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// Whether the program's own code has begun: .NET sets up its signal handling (seen from
    /// outside as a handler for SIGCONT in the process's <c>SigCgt</c> mask) on the first
    /// <c>PosixSignalRegistration</c>, which is the first thing <c>actorfarm</c> does. Before that,
    /// while the runtime loads (some 10 to 50 ms here), the runtime itself catches SIGTERM only to
    /// die of it (143): nothing inside the process can change that, so no sample is taken there.
    /// </summary>
    private static bool HasDotnetSignalHandling(int pid)
    {
        const int sigcont = 18;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            return line is not null && (ulong.Parse(line["SigCgt:".Length..].Trim(), NumberStyles.HexNumber) & (1UL << (sigcont - 1))) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The task indices journaled before the signal; none when the farm never got as far as its journal.</summary>
    private static HashSet<long> JournaledIndices(string database)
    {
        if (!File.Exists(database)) return [];
        try
        {
            return JournalPeek.RecordedIndices(database);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return [];
        }
    }
}
