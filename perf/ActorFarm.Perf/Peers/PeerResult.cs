using System.Text.Json;

namespace ActorFarm.Perf.Peers;

/// <summary>
/// What a peer script reported (its one JSON line, see perf/peers/peer_common.py), with the
/// instant the harness launched it. Instants are epoch seconds from the same machine clock.
/// </summary>
public sealed record PeerResult(string Peer, string Workload, int Tasks, int Workers, double LaunchedAt,
    double ReadyAt, double SubmittedAt, double? FirstTaskStart, double DoneAt)
{
    /// <summary>Launch to the first task's start: interpreter, imports, workers, broker.</summary>
    public double StartupSeconds => (FirstTaskStart ?? SubmittedAt) - LaunchedAt;

    /// <summary>First task handed over to the last result back: what the farm's submit→final compares to.</summary>
    public double SubmitToDoneSeconds => DoneAt - SubmittedAt;

    /// <summary>First task start to the last result back (the weak-scaling makespan).</summary>
    public double MakespanSeconds => DoneAt - (FirstTaskStart ?? SubmittedAt);

    public double TasksPerSecond => Tasks / SubmitToDoneSeconds;

    public static PeerResult Parse(string stdout, DateTimeOffset launchedAt)
    {
        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException("the peer printed no JSON line");
        using var json = JsonDocument.Parse(line);
        var r = json.RootElement;
        return new PeerResult(
            r.GetProperty("peer").GetString()!,
            r.GetProperty("workload").GetString()!,
            r.GetProperty("tasks").GetInt32(),
            r.GetProperty("workers").GetInt32(),
            launchedAt.ToUnixTimeMilliseconds() / 1000.0,
            r.GetProperty("ready_at").GetDouble(),
            r.GetProperty("submitted_at").GetDouble(),
            r.GetProperty("first_task_start").ValueKind == JsonValueKind.Null ? null : r.GetProperty("first_task_start").GetDouble(),
            r.GetProperty("done_at").GetDouble());
    }
}
