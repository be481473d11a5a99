using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ActorFarm.Dashboard;

namespace ActorFarm.Tests.Dashboard;

/// <summary>
/// Nothing of the dashboard answers without its token, from loopback neither, and its actions
/// cannot be triggered by another site or through a read-only view.
/// </summary>
public sealed class DashboardAccessTests
{
    [Fact]
    public async Task Every_route_wants_the_token_and_the_token_in_the_address_becomes_a_cookie()
    {
        await using var farm = await TestFarm.StartAsync(slots: 1);
        await using var dashboard = await DashboardServer.StartAsync(farm.Client, new DashboardOptions());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = dashboard.Address };

        foreach (var path in new[] { "/", "/app.js", "/api/snapshot", "/api/events", DashboardServer.MetricsPath })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/?token=not-it")).StatusCode);

        var opened = await http.GetAsync(dashboard.OpenAddress);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/", opened.Headers.Location!.OriginalString);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        var page = await http.SendAsync(withCookie);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>ActorFarm</title>", await page.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        using var withBearer = new HttpRequestMessage(HttpMethod.Get, "/api/snapshot");
        withBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.AccessToken);
        var snapshot = await http.SendAsync(withBearer);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.NotNull(JsonNode.Parse(await snapshot.Content.ReadAsStringAsync())!["at"]);
    }

    [Fact]
    public async Task Actions_need_their_header_and_a_read_only_view_refuses_them()
    {
        await using var farm = await TestFarm.StartAsync(slots: 1);
        await using var writable = await DashboardServer.StartAsync(farm.Client, new DashboardOptions());
        await using var readOnly = await DashboardServer.StartAsync(farm.Client, new DashboardOptions { ReadOnly = true });

        Assert.Equal(HttpStatusCode.BadRequest, await CancelAsync(writable, withHeader: false));
        Assert.Equal(HttpStatusCode.Forbidden, await CancelAsync(readOnly, withHeader: true));
        // With its header, on a writable view, the action reaches the farm, which knows no such job.
        Assert.Equal(HttpStatusCode.NotFound, await CancelAsync(writable, withHeader: true));
    }

    [Fact]
    public void A_token_from_an_access_file_is_the_same_for_every_process_holding_it_and_changes_with_the_file()
    {
        using var directory = new TempDirectory();
        var file = directory.File("access.pem");
        File.WriteAllText(file, "one credential");
        var first = DashboardToken.For(file);
        Assert.Equal(first, DashboardToken.For(file));
        File.WriteAllText(file, "a rotated credential");
        Assert.NotEqual(first, DashboardToken.For(file));
        Assert.NotEqual(DashboardToken.For(null), DashboardToken.For(null));
    }

    [Theory]
    [InlineData("8265", "127.0.0.1", 8265)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("[::1]:0", "::1", 0)]
    public void Listen_addresses_default_to_loopback(string text, string address, int port)
    {
        var listen = DashboardListen.Parse(text);
        Assert.Equal(IPAddress.Parse(address), listen.Address);
        Assert.Equal(port, listen.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host:")]
    [InlineData("70000")]
    [InlineData("localhost:http")]
    public void A_malformed_listen_address_is_refused_with_the_option_named(string text) =>
        Assert.Contains("--dashboard", Assert.Throws<ArgumentException>(() => DashboardListen.Parse(text)).Message);

    private static async Task<HttpStatusCode> CancelAsync(DashboardServer dashboard, bool withHeader)
    {
        using var http = new HttpClient { BaseAddress = dashboard.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/no-such-job/cancel");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.AccessToken);
        if (withHeader) request.Headers.Add(DashboardEndpoints.ActionHeader, "1");
        return (await http.SendAsync(request)).StatusCode;
    }
}
