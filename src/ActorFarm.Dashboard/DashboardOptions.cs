namespace ActorFarm.Dashboard;

/// <summary>How a dashboard is served: where it listens, whether it may act on jobs, and its token.</summary>
public sealed record DashboardOptions
{
    /// <summary>Where to listen, <c>[host:]port</c> (<see cref="DashboardListen.Parse"/>): loopback unless a host is named; port 0 picks a free one.</summary>
    public string Listen { get; init; } = "127.0.0.1:0";

    /// <summary>A shared view: the page shows everything but offers no cancel or rerun, and the server refuses them.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// The token every request must carry (query <c>?token=</c> once, then a cookie; or an
    /// <c>Authorization: Bearer</c> header for scripts and Prometheus). Null: a random one for
    /// this process (<see cref="DashboardToken"/> derives a stable one from the farm's access file).
    /// </summary>
    public string? AccessToken { get; init; }

    /// <summary>How often the farm is asked for its state and the pages are told (one poll however many pages are open).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many jobs, newest first, the dashboard follows (each costs one status question per refresh while it runs).</summary>
    public int MaxJobs { get; init; } = 12;

    /// <summary>How long one question to the farm may take before the page shows it did not answer.</summary>
    public TimeSpan FarmTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
