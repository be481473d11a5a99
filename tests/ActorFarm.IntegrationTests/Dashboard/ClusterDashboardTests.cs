using System.Text.RegularExpressions;
using ActorFarm.Dashboard;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard of a real multi-process cluster (a Lighthouse, a coordinator, two worker nodes)
/// served by <c>actorfarm dashboard --cluster</c>, a process that only talks to the farm, and
/// looked at in a real headless Chromium: every member and node is listed, the job advances, its
/// failures show their stderr. Its screenshot is the one in docs/.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public sealed partial class ClusterDashboardTests(ITestOutputHelper log)
{
    [ChromiumFact]
    public async Task A_client_only_dashboard_shows_every_member_and_node_and_the_job_advancing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("coordinator", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        await cluster.StartNodesInTurnAsync("worker", ["worker-1", "worker-2"], slots: 2);

        var manifest = cluster.Directory.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              sweep {
                command = ["/bin/sh", "-c", "if [ $((${i} % 23)) -eq 5 ]; then echo \"diverged at i=${i}\" >&2; exit 4; fi; sleep 0.4"]
                sweep { i = { from = 0, to = 119 } }
                output { directory = "out", capture = files }
              }
            }
            """, ct);
        var submit = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--progress", "none");

        var port = FreePort.Next();
        var dashboard = cluster.StartClient("dashboard", "--dashboard", $"127.0.0.1:{port}");
        var up = await dashboard.WaitForLineAsync("dashboard at http", LocalCluster.StartTimeout);
        var address = AddressPattern().Match(up.Text).Value;
        Assert.Contains("token=" + DashboardToken.For(cluster.AccessFile), address);

        await using var browser = await HeadlessChromium.StartAsync(HeadlessChromium.Find()
            ?? throw new InvalidOperationException("Chromium is required (ACTORFARM_REQUIRE_CHROMIUM=1) but not installed"), ct);
        await browser.NavigateAsync(address, ct);

        var card = "document.querySelector('.job')";
        var first = await PageWaits.UntilAsync(browser, $"{card} && Number({card}.dataset.done)", v => v is not null && (long)v > 0, ct);
        await PageWaits.UntilAsync(browser, $"{card} && Number({card}.dataset.done)", v => v is not null && (long)v > (long)first!, ct);

        // Every worker node with its slots, and every member: the Lighthouse, the coordinator, the workers.
        var nodes = await PageWaits.UntilAsync(browser, "[...document.querySelectorAll('#nodes tbody tr')].map(r => r.dataset.key).join(',')",
            v => (string?)v == "worker-1,worker-2", ct);
        var members = (string)(await browser.EvaluateAsync("document.querySelectorAll('#members tbody tr').length + ''", ct))!;
        Assert.Equal("4", members);
        log.WriteLine($"nodes {nodes}, {members} members");

        var failures = $"[...{card}.querySelectorAll('.failures tbody tr')].map(r => r.textContent).join('\\n')";
        var failureText = (string?)await PageWaits.UntilAsync(browser, failures, v => ((string?)v ?? "").Contains("diverged at i=5"), ct);
        Assert.Contains("i=5", failureText);

        // Screenshots of the run: in its stride, then ended.
        await PageWaits.SaveScreenshotAsync(browser, "dashboard-cluster-running.png", log, ct);
        Assert.Equal(1, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        await PageWaits.UntilAsync(browser, $"{card}.dataset.phase", v => (string?)v == "finished", ct);
        await PageWaits.SaveScreenshotAsync(browser, "dashboard-cluster-finished.png", log, ct);
    }

    [GeneratedRegex(@"http://\S+")]
    private static partial Regex AddressPattern();
}
