using System.Text.Json;
using ActorFarm.Dashboard;

namespace ActorFarm.Tests.Dashboard;

/// <summary>The dashboard's refresh loop, over a real embedded farm.</summary>
public sealed class DashboardFeedTests
{
    [Fact]
    public async Task A_refresh_that_fails_in_the_dashboard_says_why_on_the_page_and_the_next_one_goes_on()
    {
        await using var farm = await TestFarm.StartAsync(slots: 1);
        var failing = 1;
        var refreshes = 0;
        // The refresh's last step throws until the test has seen the page say so, as a bug in the
        // dashboard's own code would.
        await using var feed = new DashboardFeed(farm.Client, new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(100) },
            _ =>
            {
                Interlocked.Increment(ref refreshes);
                if (Volatile.Read(ref failing) == 1) throw new InvalidOperationException("a bug in the dashboard");
            });

        string? error = null;
        await Waiting.UntilAsync(() => (error = ErrorOf(feed.Latest))?.StartsWith("the dashboard could not refresh", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20));
        Assert.Contains("a bug in the dashboard", error);

        // The loop went on meanwhile, and once the fault is gone the page's error line clears.
        Volatile.Write(ref failing, 0);
        var seen = Volatile.Read(ref refreshes);
        await Waiting.UntilAsync(() => Volatile.Read(ref refreshes) > seen && ErrorOf(feed.Latest) is null, TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(20));
    }

    private static string? ErrorOf(byte[] snapshot) =>
        JsonDocument.Parse(snapshot).RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
}
