using HttpResults = Microsoft.AspNetCore.Http.Results;
using System.Text;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using ActorFarm.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorFarm.Dashboard;

/// <summary>
/// The dashboard's routes, mapped by <see cref="DashboardServer"/> or into a service's own
/// ASP.NET Core application (<see cref="MapActorFarmDashboard"/>). Every route is behind the token.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The header a page's action request carries: a cross-site form cannot set it.</summary>
    public const string ActionHeader = "X-ActorFarm-Action";

    /// <summary>
    /// Maps the dashboard at <paramref name="prefix"/> (e.g. <c>/farm</c>; empty: the root) for the
    /// farm <paramref name="farm"/> reaches, guarded by <paramref name="options"/>' token (a random
    /// one if it has none: read it back from the returned value). The feed that polls the farm
    /// stops with the application.
    /// </summary>
    public static DashboardRoutes MapActorFarmDashboard(this IEndpointRouteBuilder endpoints, IFarmClient farm, DashboardOptions options,
        string prefix = "") =>
        // A service's own OpenTelemetry setup exports the farm's meter (docs/metrics.md): no exporter here.
        Map(endpoints, farm, options, prefix, metrics: null);

    /// <summary>The routes; with <paramref name="metrics"/>, the followed jobs' counts are handed to it at every refresh (the standalone server's /metrics).</summary>
    internal static DashboardRoutes Map(IEndpointRouteBuilder endpoints, IFarmClient farm, DashboardOptions options, string prefix,
        PrometheusExport? metrics)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(farm);
        var token = options.AccessToken ?? DashboardToken.Random();
        var gate = new TokenGate(token);
        var feed = new DashboardFeed(farm, options, metrics is null ? null : metrics.ShowJobs);
        var routes = new DashboardRoutes(token, feed, metrics, gate);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(() => _ = routes.DisposeAsync());
        var group = endpoints.MapGroup(prefix).AddEndpointFilter(gate);
        MapPage(group);
        MapFeed(group, feed);
        MapOutputFiles(group, feed);
        MapActions(group, farm, options);
        return routes;
    }

    private static void MapPage(RouteGroupBuilder group)
    {
        group.MapGet("/", () => StaticAssets.Serve("index.html"));
        // Named one by one (no regex route constraint: a slim or embedding host may not register it).
        foreach (var file in StaticAssets.Names.Where(n => n != "index.html"))
            group.MapGet("/" + file, () => StaticAssets.Serve(file));
    }

    private static void MapFeed(RouteGroupBuilder group, DashboardFeed feed)
    {
        group.MapGet("/api/snapshot", () => HttpResults.Bytes(feed.Latest, "application/json"));
        group.MapGet("/api/events", async (HttpContext http) =>
        {
            // Server-sent events: one "snapshot" event per refresh until the page goes away.
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-store";
            var leaving = http.RequestAborted;
            var snapshots = feed.Subscribe(leaving);
            var prefixBytes = "event: snapshot\ndata: "u8.ToArray();
            try
            {
                await foreach (var snapshot in snapshots.ReadAllAsync(leaving))
                {
                    await http.Response.Body.WriteAsync(prefixBytes, leaving);
                    await http.Response.Body.WriteAsync(snapshot, leaving);
                    await http.Response.Body.WriteAsync("\n\n"u8.ToArray(), leaving);
                    await http.Response.Body.FlushAsync(leaving);
                    feed.CountSent();
                }
            }
            catch (OperationCanceledException) when (leaving.IsCancellationRequested)
            {
            }
        });
    }

    private static void MapOutputFiles(RouteGroupBuilder group, DashboardFeed feed)
    {
        // Only the files of a failure the page shows, as the farm named them: no path comes from the request.
        foreach (var stream in new[] { "stdout", "stderr" })
            group.MapGet($"/api/jobs/{{jobId}}/tasks/{{index:long}}/{stream}", (string jobId, long index) =>
                feed.OutputFile(jobId, index, stream == "stderr") is { } path && File.Exists(path)
                    ? (IResult)TypedResults.PhysicalFile(path, "text/plain; charset=utf-8")
                    : HttpResults.Text($"no {stream} file of task {index} of job {jobId} on this machine\n", "text/plain; charset=utf-8",
                        statusCode: StatusCodes.Status404NotFound));
    }

    private static void MapActions(RouteGroupBuilder group, IFarmClient farm, DashboardOptions options)
    {
        group.MapPost("/api/jobs/{jobId}/cancel", (string jobId, HttpContext http) =>
            Act(http, options, async ct =>
            {
                var status = await farm.CancelAsync(jobId, "cancelled from the dashboard", options.FarmTimeout, ct);
                return $"job {jobId} is {status.Phase.ToString().ToLowerInvariant()}";
            }));
        group.MapPost("/api/jobs/{jobId}/rerun", (string jobId, HttpContext http) =>
            Act(http, options, async ct =>
            {
                var rerun = await farm.RerunAsync(jobId, RerunSelection.Failed, options.FarmTimeout, ct);
                return rerun.Outcome switch
                {
                    RerunOutcome.Started => $"rerunning {rerun.Reopened} failed task(s) of job {jobId}",
                    RerunOutcome.AlreadyRunning => $"a rerun of job {jobId} is already running",
                    _ => rerun.Reason ?? $"nothing to rerun in job {jobId}",
                };
            }));
    }

    private static async Task<IResult> Act(HttpContext http, DashboardOptions options, Func<CancellationToken, Task<string>> action)
    {
        if (options.ReadOnly)
            return HttpResults.Json(new { ok = false, message = "this dashboard is read-only" }, statusCode: StatusCodes.Status403Forbidden);
        if (!http.Request.Headers.ContainsKey(ActionHeader))
            return HttpResults.Json(new { ok = false, message = $"an action needs the {ActionHeader} header" }, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            return HttpResults.Json(new { ok = true, message = await action(http.RequestAborted) });
        }
        catch (UnknownJobException e)
        {
            return HttpResults.Json(new { ok = false, message = e.Message }, statusCode: StatusCodes.Status404NotFound);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            return HttpResults.Json(new { ok = false, message = ErrorText.Cause(e) }, statusCode: StatusCodes.Status409Conflict);
        }
    }
}

/// <summary>What <see cref="DashboardEndpoints.MapActorFarmDashboard"/> mapped: the token its routes want.</summary>
public sealed class DashboardRoutes : IAsyncDisposable
{
    private readonly PrometheusExport? _metrics;
    private int _disposed;

    internal DashboardRoutes(string accessToken, DashboardFeed feed, PrometheusExport? metrics, TokenGate gate)
    {
        AccessToken = accessToken;
        Feed = feed;
        _metrics = metrics;
        Gate = gate;
    }

    internal TokenGate Gate { get; }

    /// <summary>The token every request must carry.</summary>
    public string AccessToken { get; }

    internal DashboardFeed Feed { get; }

    /// <summary>Stops polling the farm (and the standalone server's exporter): also done when the application stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Feed.DisposeAsync();
        _metrics?.Dispose();
    }
}
