using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFarm.Testing;

/// <summary>
/// A real headless Chromium (Debian's <c>chromium</c>) driven through the Chrome DevTools
/// protocol over its WebSocket: navigate, evaluate script in the page, take a screenshot. Only
/// the three commands the dashboard tests need; the browser is a throwaway profile killed on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TempDirectory _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(ChildProcess process, TempDirectory profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser's path, or null when this machine has none (the test then says so).</summary>
    public static string? Find() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync(string executable, CancellationToken ct)
    {
        var profile = new TempDirectory("actorfarm-chromium");
        var process = ChildProcess.Start(executable,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", "about:blank",
        ], label: "chromium");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.AttachToPageAsync(ct);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task AttachToPageAsync(CancellationToken ct)
    {
        // Chromium writes the port it picked into DevToolsActivePort once it listens.
        var portFile = Path.Combine(_profile.Path, "DevToolsActivePort");
        await Waiting.UntilAsync(() => File.Exists(portFile) && File.ReadAllLines(portFile).Length >= 1 || _process.HasExited,
            TimeSpan.FromSeconds(30));
        if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before it listened:\n{_process.Tail()}");
        var port = int.Parse(File.ReadAllLines(portFile)[0]);
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", ct))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), ct);
    }

    public Task NavigateAsync(string url, CancellationToken ct) =>
        CallAsync("Page.navigate", new JsonObject { ["url"] = url }, ct);

    /// <summary>The value of a script expression in the page (returned by value, JSON).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, ct);
        if (result["exceptionDetails"] is { } error) throw new InvalidOperationException("script failed: " + error.ToJsonString());
        return result["result"]?["value"];
    }

    public async Task<byte[]> ScreenshotAsync(CancellationToken ct)
    {
        var result = await CallAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, ct);
        return Convert.FromBase64String((string)result["data"]!);
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        var id = ++_nextId;
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, ct);
        while (true)
        {
            var message = await ReceiveAsync(ct);
            // Events (no id) and answers to nothing we wait for are skipped.
            if (message["id"] is { } answered && (int)answered == id)
                return message["error"] is { } error
                    ? throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}")
                    : message["result"]!;
        }
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer, ct);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection");
            message.Write(buffer, 0, received.Count);
        } while (!received.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _process.DisposeAsync();
        _profile.Dispose();
    }
}
