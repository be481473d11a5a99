using System.Diagnostics;
using ActorFarm.Hosting;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// Part 5b: time to resume after <c>kill -9</c>. The real CLI (<c>actorfarm run</c>) runs a job;
/// once a share of its results is journaled it gets SIGKILL; the same command is run again.
/// Measured from the relaunch to the first result journaled by the new process (recovery done,
/// work flowing again) and to its exit (job finished, results file written, farm stopped).
/// </summary>
public sealed class ResumePart : IPerfPart
{
    public const double TargetSeconds = 1;

    public string Name => "resume";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        // Smoke: sleep tasks, so a tiny job still lasts long enough to be killed in the middle.
        var tasks = run.Smoke ? 400L : 1_000_000L;
        var killAtShare = 0.4;
        var cli = CliPath(run.Options);
        var dir = run.NewScratchDirectory("resume");
        var manifest = BenchmarkManifests.Write(dir, run.Smoke ? SmokeManifest(tasks) : BenchmarkManifests.Noop("resume", tasks));
        var state = Path.Combine(dir, "state");
        string[] args = ["run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--progress", "none"];
        var journal = new JournalProgress(SqliteJournal.DatabasePath(state));
        var timeout = TimeSpan.FromMinutes(10);
        var quiet = new Quietness();
        quiet.Begin();

        PerfRun.Log($"resume: {tasks:N0} tasks, SIGKILL once {killAtShare:P0} are journaled");
        double firstRunFirstResult, killedAfter;
        using (var first = ChildProcess.StartDotnet(cli, args, dir))
        {
            firstRunFirstResult = await WaitForAsync(() => journal.Poll() > 0 || journal.ResultsJournaled > 0, first, timeout, cancellationToken);
            killedAfter = await WaitForAsync(() => { journal.Poll(); return journal.ResultsJournaled >= tasks * killAtShare; },
                first, timeout, cancellationToken);
            await first.KillHardAsync(cancellationToken);
        }
        journal.Poll();
        var journaledAtKill = journal.ResultsJournaled;

        PerfRun.Log($"resume: killed with {journaledAtKill:N0} results journaled; relaunching");
        using var second = ChildProcess.StartDotnet(cli, args, dir);
        var clock = Stopwatch.StartNew();
        var firstNewResult = await WaitForAsync(() => journal.Poll() > 0, second, timeout, cancellationToken);
        var code = await second.WaitForExitAsync(timeout, cancellationToken);
        var toExit = clock.Elapsed.TotalSeconds;
        quiet.End();
        if (code != 0) throw new InvalidOperationException($"the resumed run exited with {code}.\n{second.Tail()}");
        journal.Poll();
        var rows = File.ReadLines(Path.Combine(dir, "out", "resume", "results.jsonl")).LongCount();

        var table = new ResultsTable("resume",
            "tasks", "journaled at the kill", "kill after launch (s)", "relaunch → first new result journaled (s)",
            "relaunch → exit, job done (s)", "fresh launch → first result journaled (s)", "results rows", "results journaled in all");
        table.Add(tasks, $"{journaledAtKill:N0} ({(double)journaledAtKill / tasks:P0})", killedAfter, firstNewResult, toExit,
            firstRunFirstResult, rows, journal.ResultsJournaled);
        run.WriteCsv(table);
        run.Report.Check(TargetCheck.Below($"resume after kill -9 ({tasks:N0} tasks): relaunch → first new result journaled",
            firstNewResult, TargetSeconds, "s"));

        var section = run.Report.AddSection("5b. Resume after kill -9",
            $"`dotnet ActorFarm.Cli.dll run --manifest M --state-dir D --slots 2` runs {(run.Smoke ? "sleep" : "no-op")} tasks; " +
            $"once {killAtShare:P0} of the results are journaled (the harness follows the SQLite journal read-only) it gets " +
            "SIGKILL, and the same command is started again. **Resume time = relaunch → the first result journaled by the new " +
            "process**: the runtime's start, the cluster join, the job's recovery from its snapshot and events, the first " +
            "dispatch and the first journal write. *Relaunch → exit* adds the rest of the job, the results export and shutdown. " +
            "*Fresh launch → first result* is the same milestone for the first, uninterrupted start, for comparison. " +
            "*Results rows* must equal the task count (each task exactly once).");
        section.Add(table, quiet);
        if (rows != tasks)
            section.Note($"**The results file has {rows:N0} rows for {tasks:N0} tasks.**");
    }

    /// <summary>
    /// The CLI next to this program (a project reference: built, or published precompiled, the way
    /// the harness was), else the checkout's build.
    /// </summary>
    public static string CliPath(PerfOptions options) => BesideHarness("ActorFarm.Cli.dll")
        ?? Path.Combine(options.RepositoryRoot, "src", "ActorFarm.Cli", "bin", "Release", "net10.0", "ActorFarm.Cli.dll");

    /// <summary>A program deployed next to the harness, or null.</summary>
    public static string? BesideHarness(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        return File.Exists(path) ? path : null;
    }

    private static string SmokeManifest(long tasks) => $$"""
        jobs {
          resume {
            handler = sleep
            handler-args { seconds = "0.01" }
            sweep { i = { from = 1, to = {{tasks}} } }
            output { directory = "out", capture = none }
          }
        }
        """;

    /// <summary>Polls every 10 ms until the condition holds; returns the seconds since the child's launch.</summary>
    private static async Task<double> WaitForAsync(Func<bool> condition, ChildProcess child, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (child.HasExited)
                throw new InvalidOperationException($"the CLI exited ({child.ExitCode}) before the awaited moment.\n{child.Tail()}");
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("the awaited moment did not come");
            await Task.Delay(10, cancellationToken);
        }
        return (DateTimeOffset.UtcNow - child.LaunchedAt).TotalSeconds;
    }
}
