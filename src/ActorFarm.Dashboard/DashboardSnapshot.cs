using System.Text.Json;
using System.Text.Json.Serialization;
using ActorFarm.Protocol;

namespace ActorFarm.Dashboard;

/// <summary>
/// What every open page receives once per refresh (server-sent event <c>snapshot</c>, and
/// <c>GET /api/snapshot</c>): the farm's members and nodes and the followed jobs with their trends.
/// The page's script reads these names; they are its contract.
/// </summary>
internal sealed record DashboardSnapshot(
    DateTimeOffset At,
    bool ReadOnly,
    FarmOverview? Farm,
    IReadOnlyList<JobView> Jobs,
    string? Error)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Outcomes as results.jsonl spells them (OutcomeNames); other enums camelCase.
        Converters = { new ActorFarm.Results.OutcomeNames.Json(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>One job as the page shows it: its counters, what holds it, its rate, ETA and plot points.</summary>
internal sealed record JobView(
    string JobId,
    string Name,
    JobPhase Phase,
    long Total,
    long Succeeded,
    long Failed,
    long Running,
    long Pending,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    string? ResultsFile,
    string? Fault,
    string? Waiting,
    double? RatePerSecond,
    double? EtaSeconds,
    // [unix milliseconds, tasks finished] pairs, oldest first: the plot's points.
    IReadOnlyList<long[]> Trend,
    // The duration histogram's buckets from the first to the last that holds a task.
    IReadOnlyList<DurationBucket>? Durations,
    // The latest final failures, newest first.
    IReadOnlyList<FailureView>? Failures);

/// <summary>Tasks that took less than <paramref name="UpToSeconds"/> (null: the open last bucket) and at least the bucket before.</summary>
internal sealed record DurationBucket(double? UpToSeconds, long Count);

/// <summary>
/// A failed task as the failures table shows it: what ran (parameters), how it ended, the tail of
/// its stderr when this process can read the file, and whether its output files can be opened
/// from the page (<c>api/jobs/{job}/tasks/{index}/stdout|stderr</c>).
/// </summary>
internal sealed record FailureView(
    long Index,
    IReadOnlyDictionary<string, string> Parameters,
    string Outcome,
    int? ExitCode,
    int Attempts,
    string Node,
    DateTimeOffset Ended,
    string? Error,
    string? StderrTail,
    bool HasStdout,
    bool HasStderr);
