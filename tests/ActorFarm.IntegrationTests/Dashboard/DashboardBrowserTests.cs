using ActorFarm.Dashboard;
using ActorFarm.Manifest;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard as a user sees it: a real farm runs a real job, a real headless Chromium opens
/// the address the farm would print, and the page's own rendering is read back from its DOM.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper log)
{
    [ChromiumFact]
    public async Task The_page_shows_the_job_advancing_and_every_node()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        using var output = new TempDirectory("actorfarm-dashboard");
        await using var farm = await TestFarm.StartAsync(slots: 2);
        // 60 processes of 0.2 s on 2 slots (about 7 s, long enough to see the count move); task 7 fails early with a line on stderr.
        var spec = Specs.Process("dashboard-sweep",
            ["/bin/sh", "-c", "if [ ${i} -eq 7 ]; then echo \"first line\" >&2; echo \"stderr tail of task ${i}\" >&2; exit 3; fi; sleep 0.2"],
            [new IntRangeAxis { Name = "i", From = 0, To = 59 }], output.Path);
        var submitted = await farm.Client.SubmitAsync(spec, cancellationToken: ct);
        await using var dashboard = await DashboardServer.StartAsync(farm.Client,
            new DashboardOptions { Listen = "127.0.0.1:0", RefreshInterval = TimeSpan.FromMilliseconds(500) }, ct);
        await using var browser = await HeadlessChromium.StartAsync(HeadlessChromium.Find()
            ?? throw new InvalidOperationException("Chromium is required (ACTORFARM_REQUIRE_CHROMIUM=1) but not installed"), ct);

        await browser.NavigateAsync(dashboard.OpenAddress.ToString(), ct);
        var card = $"document.querySelector('.job[data-job-id=\"{submitted.JobId}\"]')";
        var first = await PageWaits.UntilAsync(browser, $"{card} && Number({card}.dataset.done)", v => v is not null, ct);
        var moved = await PageWaits.UntilAsync(browser, $"{card} && Number({card}.dataset.done)", v => v is not null && (long)v > (long)first!, ct);
        log.WriteLine($"the page's done count went from {first} to {moved}");

        var overview = await farm.Client.OverviewAsync(cancellationToken: ct);
        var listedNodes = await browser.EvaluateAsync("[...document.querySelectorAll('#nodes tbody tr')].map(r => r.dataset.key).join(',')", ct);
        var listedMembers = await browser.EvaluateAsync("[...document.querySelectorAll('#members tbody tr')].map(r => r.dataset.key).join(',')", ct);
        Assert.Equal(string.Join(",", overview.Nodes.Select(n => n.Name)), (string?)listedNodes);
        Assert.Equal(overview.Members.Select(m => m.Address).Order(), ((string)listedMembers!).Split(',').Order());
        Assert.NotEmpty(overview.Nodes);

        // The failing task: its row, its parameters, its exit code and the tail of its stderr, read from its file.
        var failure = $"{card} && [...{card}.querySelectorAll('.failures tbody tr')].map(r => r.textContent).join('\\n')";
        var failureText = (string?)await PageWaits.UntilAsync(browser, failure, v => v is not null && ((string?)v ?? "").Contains("stderr tail of task 7"), ct);
        Assert.Contains("i=7", failureText);
        Assert.Contains("3", failureText);
        log.WriteLine($"failure row: {failureText}");

        // The page without the token in its address: the redirect took it out, the cookie carries it.
        Assert.DoesNotContain("token=", (string?)await browser.EvaluateAsync("location.href", ct));
        await PageWaits.SaveScreenshotAsync(browser, "dashboard-job-running.png", log, ct);
    }
}
