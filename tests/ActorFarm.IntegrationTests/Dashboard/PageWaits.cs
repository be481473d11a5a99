using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Dashboard;

/// <summary>Waiting for what a page shows, and keeping a picture of it.</summary>
internal static class PageWaits
{
    /// <summary>Evaluates <paramref name="expression"/> in the page until <paramref name="done"/> holds (60 s at most); returns that value.</summary>
    public static async Task<JsonNode?> UntilAsync(HeadlessChromium browser, string expression, Func<JsonNode?, bool> done, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var value = await browser.EvaluateAsync(expression, ct);
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page never showed what was awaited ({expression} = {value?.ToJsonString()})");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A test artifact: the page as it is, under TestResults/ where the tests run.</summary>
    public static async Task SaveScreenshotAsync(HeadlessChromium browser, string name, ITestOutputHelper log, CancellationToken ct)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await File.WriteAllBytesAsync(path, await browser.ScreenshotAsync(ct), ct);
        log.WriteLine($"screenshot: {path}");
    }
}
