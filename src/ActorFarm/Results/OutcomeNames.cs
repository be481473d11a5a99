using System.Text.Json;
using System.Text.Json.Serialization;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// How an outcome is spelled in results files, CLI output and the dashboard: snake_case
/// (<c>succeeded</c>, <c>timed_out</c>, <c>worker_crashed</c>), so scripts can match on it.
/// </summary>
internal static class OutcomeNames
{
    private static readonly string[] Names = Enum.GetValues<TaskOutcome>()
        .Select(o => JsonNamingPolicy.SnakeCaseLower.ConvertName(o.ToString()))
        .ToArray();

    public static string Of(TaskOutcome outcome) => Names[(int)outcome];

    /// <summary>The same spelling in a JSON document of its own (the dashboard's snapshot), whatever its enum naming.</summary>
    public sealed class Json : JsonConverter<TaskOutcome>
    {
        public override TaskOutcome Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } name && Array.IndexOf(Names, name) is var index and >= 0
                ? (TaskOutcome)index
                : throw new JsonException($"not a task outcome: '{reader.GetString()}'");

        public override void Write(Utf8JsonWriter writer, TaskOutcome value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Of(value));
    }
}
