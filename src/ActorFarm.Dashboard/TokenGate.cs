using HttpResults = Microsoft.AspNetCore.Http.Results;
using Microsoft.AspNetCore.Http;

namespace ActorFarm.Dashboard;

/// <summary>
/// Lets through only requests that carry the dashboard's token: once as <c>?token=</c> (the
/// address actorfarm prints), which becomes an HttpOnly, SameSite=Strict cookie and is taken out
/// of the address; or as <c>Authorization: Bearer</c> (scripts, Prometheus). Everything else gets
/// 401 and a line saying where the address with the token is. An endpoint filter, not a
/// middleware, so that it guards the dashboard's routes alone when a service maps them into its
/// own application.
/// </summary>
internal sealed class TokenGate(string token) : IEndpointFilter
{
    public const string CookieName = "actorfarm_dashboard";
    public const string QueryName = "token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        SecurityHeaders(http.Response);
        if (request.Query.TryGetValue(QueryName, out var fromQuery) && DashboardToken.Matches(token, fromQuery.ToString()))
        {
            http.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = string.IsNullOrEmpty(request.PathBase) ? "/" : request.PathBase.ToString(),
            });
            // The same page without the token in its address (history, screenshots, shoulder surfing).
            return HttpResults.Redirect(request.PathBase + request.Path);
        }
        if (Admits(request))
            return await next(context);
        return Refusal;
    }

    /// <summary>The same gate as a middleware, for a route that is no route handler (the Prometheus endpoint): a cookie or a bearer token.</summary>
    public async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        SecurityHeaders(http.Response);
        if (Admits(http.Request))
            await next(http);
        else
            await Refusal.ExecuteAsync(http);
    }

    private bool Admits(HttpRequest request) =>
        DashboardToken.Matches(token, request.Cookies[CookieName]) || DashboardToken.Matches(token, BearerOf(request));

    private static readonly IResult Refusal = HttpResults.Text(
        "The ActorFarm dashboard needs its token: open the address the farm printed (\"dashboard at http://...?token=...\"), " +
        "or send 'Authorization: Bearer <token>'.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    // The page shows what tasks wrote (their stderr): nothing in it may run as script, load from
    // elsewhere, or be framed by another site.
    private static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
