using System.Text.Json;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// What a farm probe saw while it ran one job, as absolute wall-clock instants (UTC), so the
/// harness can relate them to the instant it launched the process. All instants come from the
/// same machine clock.
/// </summary>
public sealed record JobRunReport
{
    /// <summary>The runtime reached the probe's Main (JIT and runtime start before it).</summary>
    public DateTimeOffset MainEnteredAt { get; init; }

    /// <summary><c>FarmHost.StartAsync</c> returned: the node is an Up member of its cluster.</summary>
    public DateTimeOffset HostStartedAt { get; init; }

    /// <summary>Just before <c>SubmitAsync</c>.</summary>
    public DateTimeOffset SubmittedAt { get; init; }

    /// <summary><c>SubmitAsync</c> answered: the job is journaled (its first event written).</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>The watch delivered the final status: every result journaled and the results file written.</summary>
    public DateTimeOffset FinalStatusAt { get; init; }

    /// <summary>The farm had left the cluster and stopped.</summary>
    public DateTimeOffset StoppedAt { get; init; }

    public string Phase { get; init; } = "";

    public long Total { get; init; }

    public long Succeeded { get; init; }

    public long Failed { get; init; }

    /// <summary>VmHWM at the final status: the process's peak resident memory during the job.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>CPU time (user + system, all threads) the process had used by the final status.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Whether the farm's remoting ran over TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>Established TCP connections to or from the farm's remoting port at the final status (a cluster of one: 0).</summary>
    public int TcpConnections { get; init; }

    /// <summary>From the results file, when it was scanned.</summary>
    public ResultsSummary? Results { get; init; }

    /// <summary>The jobs submitted after the first, one after the other on the same (now warm) farm.</summary>
    public List<JobInstants> LaterJobs { get; init; } = new();

    /// <summary>With <c>--dashboard-url-file</c>: the snapshot events the dashboard sent to open pages (null without one).</summary>
    public long? DashboardSnapshotsSent { get; init; }

    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = true };
}

/// <summary>One job's submit, accepted (journaled) and final-status instants; whether it finished.</summary>
public sealed record JobInstants(DateTimeOffset SubmittedAt, DateTimeOffset AcceptedAt, DateTimeOffset FinalStatusAt, bool Finished)
{
    public double SubmitToAcceptedSeconds => (AcceptedAt - SubmittedAt).TotalSeconds;

    public double SubmitToFinalSeconds => (FinalStatusAt - SubmittedAt).TotalSeconds;
}

/// <summary>The instants a job's results file records: first start and last end, overall and per node; the rows per node.</summary>
public sealed record ResultsSummary(
    long Rows,
    DateTimeOffset FirstStart,
    DateTimeOffset LastEnd,
    Dictionary<string, DateTimeOffset> FirstStartByNode,
    Dictionary<string, long> RowsByNode);
