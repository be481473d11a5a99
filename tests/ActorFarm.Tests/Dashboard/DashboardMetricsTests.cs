using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ActorFarm.Dashboard;
using ActorFarm.Manifest;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Dashboard;

/// <summary>
/// The dashboard's <c>/metrics</c> as Prometheus scrapes it, during a real job and after it: the
/// farm's counters match the job's own counts (succeeded + failed = finished tasks).
/// </summary>
public sealed partial class DashboardMetricsTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Scraped_counters_agree_with_the_jobs_own_counts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        using var output = new TempDirectory("actorfarm-metrics");
        await using var farm = await TestFarm.StartAsync(slots: 2);
        // 60 processes, every seventh fails: long enough (about 4 s) to be scraped while it runs.
        var spec = Specs.Process("scraped", ["/bin/sh", "-c", "sleep 0.1; [ $((${i} % 7)) -ne 3 ]"],
            [new IntRangeAxis { Name = "i", From = 0, To = 59 }], output.Path, capture: OutputCapture.None);
        await using var dashboard = await DashboardServer.StartAsync(farm.Client,
            new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(250) }, ct);
        using var http = new HttpClient { BaseAddress = dashboard.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.AccessToken);
        var submitted = await farm.Client.SubmitAsync(spec, cancellationToken: ct);
        var job = submitted.JobId;

        // While it runs: what has finished never exceeds the job's tasks, and the gauges see it.
        var during = await ScrapeAsync(http, ct);
        log.WriteLine(string.Join('\n', during.Where(l => l.Contains(job, StringComparison.Ordinal))));
        Assert.True(Value(during, "actorfarm_tasks_succeeded_total", job) + Value(during, "actorfarm_tasks_failed_total", job) <= 60);

        JobStatusReportSnapshot final = default;
        await foreach (var status in farm.Client.WatchAsync(job, cancellationToken: ct))
            final = new(status.Succeeded, status.Failed, status.Total);
        Assert.Equal(60, final.Succeeded + final.Failed);
        Assert.Equal(9, final.Failed);

        // The dashboard's own view of the job follows at its next refresh.
        string[] after = [];
        try
        {
            await Waiting.UntilAsync(async () =>
            {
                after = await ScrapeAsync(http, ct);
                // Both counts: the job's last task may be a failure, so a view with every success but not
                // yet that failure is not the final one.
                return Value(after, "actorfarm_job_tasks", job, "state=\"succeeded\"") == final.Succeeded
                    && Value(after, "actorfarm_job_tasks", job, "state=\"failed\"") == final.Failed;
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException)
        {
            // What the dashboard showed instead: its snapshot says why it did not move on, if it knows.
            var snapshot = await http.GetStringAsync("/api/snapshot", ct);
            Assert.Fail($"the dashboard never showed the job's final counts ({final}); its last scrape:\n"
                + string.Join('\n', after.Where(l => l.Contains(job, StringComparison.Ordinal))) + "\nits snapshot:\n" + snapshot);
        }

        log.WriteLine(string.Join('\n', after.Where(l => l.Contains(job, StringComparison.Ordinal) || l.StartsWith("actorfarm_tasks"))));
        Assert.Equal(final.Succeeded, Value(after, "actorfarm_tasks_succeeded_total", job));
        Assert.Equal(final.Failed, Value(after, "actorfarm_tasks_failed_total", job));
        Assert.Equal(final.Succeeded + final.Failed, Value(after, "actorfarm_results_received_total", job));
        Assert.Equal(final.Failed, Value(after, "actorfarm_job_tasks", job, "state=\"failed\""));
        Assert.Equal(0, Value(after, "actorfarm_job_tasks", job, "state=\"pending\""));
        Assert.True(Value(after, "actorfarm_tasks_started_total", null) >= 60);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_dashboard_shows_its_jobs_after_another_dashboard_in_the_process_stopped(bool otherFirst)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        using var output = new TempDirectory("actorfarm-metrics");
        var options = new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(100) };
        // Other dashboards in the same process, of another farm (a test beside this one, a service
        // watching two farms), started before this one or after it, stop while this one runs: some
        // after a few refreshes, some before their first.
        await using var otherFarm = await TestFarm.StartAsync(slots: 1);
        var other = otherFirst ? await DashboardServer.StartAsync(otherFarm.Client, options, ct) : null;
        await using var farm = await TestFarm.StartAsync(slots: 2);
        await using var kept = await DashboardServer.StartAsync(farm.Client, options, ct);
        other ??= await DashboardServer.StartAsync(otherFarm.Client, options, ct);
        await Task.Delay(options.RefreshInterval * 3, ct);
        await other.DisposeAsync();
        for (var i = 0; i < 4; i++)
        {
            await using var brief = await DashboardServer.StartAsync(otherFarm.Client, options, ct);
            if (i % 2 == 0) await Task.Delay(options.RefreshInterval * 3, ct);
        }

        // A job that runs after they stopped reaches this one's /metrics.
        var done = await farm.RunAsync(Specs.Handler("gauged", "noop", 7, output.Path));
        using var http = new HttpClient { BaseAddress = kept.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", kept.AccessToken);
        await Waiting.UntilAsync(async () => Value(await ScrapeAsync(http, ct), "actorfarm_job_tasks", done.JobId, "state=\"succeeded\"") == 7,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
    }

    private readonly record struct JobStatusReportSnapshot(long Succeeded, long Failed, long Total);

    private static async Task<string[]> ScrapeAsync(HttpClient http, CancellationToken ct)
    {
        var response = await http.GetAsync("/metrics", ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The sum of a metric's samples carrying the job's label (and <paramref name="label"/>, if given); 0 when there are none.</summary>
    private static long Value(IEnumerable<string> lines, string metric, string? job, string? label = null) =>
        lines.Where(l => !l.StartsWith('#'))
            .Select(l => Sample().Match(l))
            .Where(m => m.Success && m.Groups["name"].Value == metric)
            .Where(m => job is null || m.Groups["labels"].Value.Contains($"job=\"{job}\"", StringComparison.Ordinal))
            .Where(m => label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => (long)double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Sample();
}
