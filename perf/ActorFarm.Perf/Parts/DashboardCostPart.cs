using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// What the dashboard costs the farm (step 8: under 2 % of no-op throughput with one browser
/// open): part 1's embedded no-op run without a dashboard, and with the dashboard served by the
/// farm process and its page open in a real headless Chromium on the same machine (receiving a
/// snapshot a second, drawing its plots), interleaved A B B A so the machine's drift favours neither.
/// </summary>
public sealed class DashboardCostPart : IPerfPart
{
    /// <summary>Step 8's target: the dashboard with one page open costs under 2 % of the no-op rate.</summary>
    public const double TargetCost = 0.02;
    private const int Slots = 2;
    private const int Rounds = 3;

    public string Name => "dashboard";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var rounds = run.Options.Rounds ?? (run.Smoke ? 1 : Rounds);
        long tasks = run.Smoke ? 2_000 : 1_000_000;
        var browser = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        var runs = new ResultsTable("dashboard-cost-runs", "round", "mode", "tasks", "tasks/s", "submit→final (s)", "process CPU (s)", "snapshots sent");
        var rates = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var quiet = new Quietness();
        for (var round = 1; round <= rounds; round++)
        {
            bool[] order = round % 2 == 1 ? [false, true] : [true, false];
            foreach (var withDashboard in order)
            {
                PerfRun.Log($"dashboard: round {round}, {(withDashboard ? "dashboard + page" : "no dashboard")}, {tasks:N0} no-op tasks");
                var dir = run.NewScratchDirectory("dashboard");
                var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("noop", tasks));
                quiet.Begin();
                var (result, snapshots) = await MeasureAsync(manifest, dir, withDashboard ? browser ?? "" : null, cancellationToken);
                quiet.End();
                if (result.Report.Succeeded != tasks)
                    throw new InvalidOperationException($"{result.Report.Succeeded} of {tasks} tasks succeeded");
                var rate = tasks / result.SubmitToFinalSeconds;
                rates[withDashboard].Add(rate);
                runs.Add(round, withDashboard ? (browser is null ? "dashboard, no browser here" : "dashboard + 1 page") : "no dashboard",
                    tasks, rate, result.SubmitToFinalSeconds, result.Report.CpuSeconds, withDashboard ? snapshots : null);
            }
        }

        var off = Median(rates[false]);
        var on = Median(rates[true]);
        var cost = 1 - on / off;
        var summary = new ResultsTable("dashboard-cost", "tasks", "no dashboard, tasks/s (median)", "dashboard + page, tasks/s (median)",
            "cost (1 − on/off)", "target", "met");
        summary.Add(tasks, off, on, $"{cost:P1}", $"< {TargetCost:P0}", cost < TargetCost ? "yes" : "no");
        run.WriteCsv(summary);
        run.WriteCsv(runs);
        var section = run.Report.AddSection("8. The cost of the dashboard (one page open)",
            $"Part 1's probe ({tasks:N0} `handler = noop` tasks, {Slots} slots, every result journaled), in {rounds} round(s) of two runs: " +
            "without a dashboard, and with the farm process serving its dashboard (`DashboardServer`, refresh 1 s: a farm overview, " +
            "the job list, a status and an insight of the running job per refresh) while a headless Chromium on the same machine " +
            "holds the page open (server-sent events, one snapshot a second, the plots redrawn). **cost = 1 − (median tasks/s with) / " +
            "(median tasks/s without)**; the browser's own CPU competes with the farm on the same 2 cores, so this is an upper bound of " +
            "what a page on the user's laptop costs. *Snapshots sent* counts the snapshot events the dashboard wrote to open pages " +
            "during the run (its own counter): the proof that the page was open and live.");
        section.Add(summary, quiet);
        section.Add(runs, quiet);
        if (browser is null)
            section.Note("No Chromium on this machine (apt-get install -y chromium): the dashboard was served with no page open.");
    }

    /// <summary>One probe run; with a dashboard, a headless browser holds its page open until the run ends.</summary>
    private static async Task<(EmbeddedRun Run, long? Snapshots)> MeasureAsync(string manifest, string dir, string? browser,
        CancellationToken cancellationToken)
    {
        if (browser is null)
            return (await EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: false, TimeSpan.FromMinutes(10),
                cancellationToken: cancellationToken), null);
        var urlFile = Path.Combine(dir, "dashboard-url");
        var probe = EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: false, TimeSpan.FromMinutes(10),
            dashboardUrlFile: urlFile, cancellationToken: cancellationToken);
        ChildProcess? page = null;
        try
        {
            while (!File.Exists(urlFile) && !probe.IsCompleted) await Task.Delay(20, cancellationToken);
            if (browser.Length > 0 && File.Exists(urlFile))
                page = ChildProcess.Start(browser,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    $"--user-data-dir={Path.Combine(dir, "chromium")}", (await File.ReadAllTextAsync(urlFile, cancellationToken)).Trim(),
                ], dir);
            var result = await probe;
            return (result, result.Report.DashboardSnapshotsSent);
        }
        finally
        {
            page?.Dispose();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
