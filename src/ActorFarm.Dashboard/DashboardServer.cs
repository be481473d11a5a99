using ActorFarm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorFarm.Dashboard;

/// <summary>
/// A dashboard served by its own small web server (Kestrel) in this process: what
/// <c>actorfarm run --dashboard</c>, <c>actorfarm node --dashboard</c> and <c>actorfarm dashboard</c>
/// start. It writes nothing to standard output or standard error (the farm's logs and
/// <c>--json</c> stay clean); the caller prints <see cref="OpenAddress"/>.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>Where Prometheus scrapes (bearer token or the page's cookie).</summary>
    public const string MetricsPath = "/metrics";

    private readonly WebApplication _app;
    private readonly DashboardRoutes _routes;

    private DashboardServer(WebApplication app, DashboardRoutes routes, Uri address)
    {
        _app = app;
        _routes = routes;
        Address = address;
    }

    /// <summary>Where it listens (with the real port when port 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The token every request must carry.</summary>
    public string AccessToken => _routes.AccessToken;

    /// <summary>The address to open in a browser: <see cref="Address"/> with the token.</summary>
    public Uri OpenAddress => new(Address, "?" + TokenGate.QueryName + "=" + AccessToken);

    /// <summary>Snapshot events sent to open pages so far (the dashboard cost benchmark's proof a page was live).</summary>
    internal long SnapshotsSent => _routes.Feed.SnapshotsSent;

    /// <summary>Starts listening; the farm is asked for its state from now on, once per refresh.</summary>
    /// <exception cref="IOException">The address is taken or cannot be bound (the message names it).</exception>
    public static async Task<DashboardServer> StartAsync(IFarmClient farm, DashboardOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(farm);
        ArgumentNullException.ThrowIfNull(options);
        var listen = DashboardListen.Parse(options.Listen);
        // The empty builder reads no appsettings, environment or command line: the farm's options decide alone.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(listen.Address, listen.Port);
        });
        var app = builder.Build();
        app.UseRouting();
        var metrics = new PrometheusExport();
        var routes = DashboardEndpoints.Map(app, farm, options, "", metrics);
        // Prometheus' endpoint is a pipeline of its own, not a route handler: the gate guards it as a middleware.
        app.UseWhen(http => http.Request.Path == MetricsPath, branch => branch.Use(routes.Gate.GuardAsync));
        app.MapPrometheusScrapingEndpoint(MetricsPath, metrics.Provider, null, null);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await routes.DisposeAsync();
            await app.DisposeAsync();
            throw new IOException($"the dashboard cannot listen on {options.Listen}: {e.Message}", e);
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        // Bound to every interface: the address to print is this machine's name, not 0.0.0.0.
        var host = listen.Address.Equals(System.Net.IPAddress.Any) || listen.Address.Equals(System.Net.IPAddress.IPv6Any)
            ? System.Net.Dns.GetHostName()
            : bound.Host;
        return new DashboardServer(app, routes, new UriBuilder(bound.Scheme, host, bound.Port, "/").Uri);
    }

    /// <summary>Stops serving and polling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _routes.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
