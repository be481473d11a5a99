using System.Net.Http.Headers;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// What the dashboard costs the farm (step 8: under 2 % of no-op throughput with one browser
/// open): part 1's embedded no-op run without a dashboard; with the dashboard and its page open in
/// a real headless Chromium on the same machine; and with the dashboard and its event stream held
/// by a plain HTTP client (what a page on the user's own laptop costs the farm: the same snapshots,
/// no browser on the farm's cores). Rotated each round so the machine's drift favours no mode.
/// </summary>
public sealed class DashboardCostPart : IPerfPart
{
    /// <summary>Step 8's target: the dashboard with one page open costs under 2 % of the no-op rate.</summary>
    public const double TargetCost = 0.02;
    private const int Slots = 2;
    private const int Rounds = 5;

    private enum Mode { Off, Page, Stream }

    public string Name => "dashboard";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var rounds = run.Options.Rounds ?? (run.Smoke ? 1 : Rounds);
        long tasks = run.Smoke ? 2_000 : 1_000_000;
        var browser = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Mode[] modes = browser is null ? [Mode.Off, Mode.Stream] : [Mode.Off, Mode.Page, Mode.Stream];
        var runs = new ResultsTable("dashboard-cost-runs", "round", "mode", "tasks", "tasks/s", "submit→final (s)", "process CPU (s)", "snapshots sent");
        var rates = modes.ToDictionary(m => m, _ => new List<double>());
        var quiet = new Quietness();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var mode in modes.Skip((round - 1) % modes.Length).Concat(modes.Take((round - 1) % modes.Length)))
            {
                PerfRun.Log($"dashboard: round {round}, {Label(mode)}, {tasks:N0} no-op tasks");
                var dir = run.NewScratchDirectory("dashboard");
                var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("noop", tasks));
                quiet.Begin();
                var result = await MeasureAsync(manifest, dir, mode, browser, cancellationToken);
                quiet.End();
                if (result.Report.Succeeded != tasks)
                    throw new InvalidOperationException($"{result.Report.Succeeded} of {tasks} tasks succeeded");
                var rate = tasks / result.SubmitToFinalSeconds;
                rates[mode].Add(rate);
                runs.Add(round, Label(mode), tasks, rate, result.SubmitToFinalSeconds, result.Report.CpuSeconds, result.Report.DashboardSnapshotsSent);
            }
        }

        var off = Statistics.Median(rates[Mode.Off]);
        var summary = new ResultsTable("dashboard-cost", "mode", "tasks/s (median)", "cost (1 − with / without)", "target", "met");
        summary.Add(Label(Mode.Off), off, "—", "", "");
        foreach (var mode in modes.Where(m => m != Mode.Off))
        {
            var cost = 1 - Statistics.Median(rates[mode]) / off;
            summary.Add(Label(mode), Statistics.Median(rates[mode]), $"{cost:P1}", $"< {TargetCost:P0}", cost < TargetCost ? "yes" : "no");
        }
        run.WriteCsv(summary);
        run.WriteCsv(runs);
        var section = run.Report.AddSection("8. The cost of the dashboard (one page open)",
            $"Part 1's probe ({tasks:N0} `handler = noop` tasks, {Slots} slots, every result journaled), in {rounds} round(s), each mode " +
            "once per round in rotated order: without a dashboard; with the farm process serving its dashboard (`DashboardServer`, " +
            "refresh 1 s: a farm overview, the job list, a status and an insight of the running job per refresh) and its page open in " +
            "a headless Chromium **on the same 2 cores**; and with the dashboard and its event stream (`/api/events`, the same " +
            "snapshots a page gets) read by a plain HTTP client in the harness, which is what a page open on the user's own " +
            "machine costs the farm. With a page or a stream, the job is submitted once it has received its second snapshot, so " +
            "neither the browser's start nor the page's load is measured. **cost = 1 − (median tasks/s with) / (median tasks/s " +
            "without)**. *Snapshots sent* counts the snapshot events the dashboard wrote to open pages during the run (its own counter).");
        section.Add(summary, quiet);
        section.Add(runs, quiet);
        if (browser is null)
            section.Note("No Chromium on this machine (apt-get install -y chromium): the page mode did not run.");
    }

    private static string Label(Mode mode) => mode switch
    {
        Mode.Off => "no dashboard",
        Mode.Page => "dashboard + page in Chromium (same machine)",
        _ => "dashboard + event stream (HTTP client)",
    };

    /// <summary>One probe run; with a dashboard, a browser or an HTTP client holds its page or stream open until the run ends.</summary>
    private static async Task<EmbeddedRun> MeasureAsync(string manifest, string dir, Mode mode, string? browser, CancellationToken cancellationToken)
    {
        if (mode == Mode.Off)
            return await EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: false, TimeSpan.FromMinutes(10),
                cancellationToken: cancellationToken);
        var urlFile = Path.Combine(dir, "dashboard-url");
        var probe = EmbeddedJobLauncher.RunAsync(manifest, Slots, dir, scanResults: false, TimeSpan.FromMinutes(10),
            dashboardUrlFile: urlFile, awaitPage: true, cancellationToken: cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ChildProcess? page = null;
        Task reading = Task.CompletedTask;
        try
        {
            while (!File.Exists(urlFile) && !probe.IsCompleted) await Task.Delay(20, cancellationToken);
            if (File.Exists(urlFile))
            {
                var address = new Uri((await File.ReadAllTextAsync(urlFile, cancellationToken)).Trim());
                if (mode == Mode.Page)
                    page = ChildProcess.Start(browser!,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                        $"--user-data-dir={Path.Combine(dir, "chromium")}", address.ToString(),
                    ], dir);
                else
                    reading = ReadEventsAsync(address, stop.Token);
            }
            return await probe;
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
            page?.Dispose();
        }
    }

    /// <summary>Holds the dashboard's event stream open and reads it, as a page does, until stopped.</summary>
    private static async Task ReadEventsAsync(Uri openAddress, CancellationToken stop)
    {
        var token = openAddress.Query.Split("token=")[1];
        using var http = new HttpClient { BaseAddress = new Uri(openAddress.GetLeftPart(UriPartial.Authority)), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            await using var events = await http.GetStreamAsync("/api/events", stop);
            var buffer = new byte[64 * 1024];
            while (await events.ReadAsync(buffer, stop) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // The run ended (the dashboard stopped) or the harness stopped reading.
        }
    }
}
