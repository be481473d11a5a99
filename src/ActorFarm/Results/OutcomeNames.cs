using System.Text.Json;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// How an outcome is spelled in results files and CLI output: snake_case
/// (<c>succeeded</c>, <c>timed_out</c>, <c>worker_crashed</c>), so scripts can match on it.
/// </summary>
internal static class OutcomeNames
{
    private static readonly string[] Names = Enum.GetValues<TaskOutcome>()
        .Select(o => JsonNamingPolicy.SnakeCaseLower.ConvertName(o.ToString()))
        .ToArray();

    public static string Of(TaskOutcome outcome) => Names[(int)outcome];
}
