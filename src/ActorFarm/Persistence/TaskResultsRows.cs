using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>
/// The journal form of <see cref="TaskResultsRecorded"/> under <c>task-results.v2</c>: still
/// JSON, but one array per task instead of an object, node names written once per event and
/// times as UTC ticks. A 2,000-result event shrinks from ~350 KB to ~120 KB, and writing and
/// reading it by hand skips the reflection serializer: the journal is the no-op farm's
/// bottleneck. <c>task-results.v1</c> rows (objects, ISO times) still read.
/// </summary>
/// <remarks>
/// <code>{"nodes":["n1",…],"results":[[index,attempts,"outcome",exitCode|null,node#,startTicks,durationTicks(,"error"|null,outputTruncated(,"message"|null(,payload)))],…]}</code>
/// The trailing fields appear only as far as needed: error and outputTruncated when there is an
/// error, a truncated output or anything after them; the message when there is one or a
/// payload; the payload, <c>{"json":value}</c> or <c>{"base64":"…"}</c>, when the handler
/// returned one. Rows written before messages had their own field end after outputTruncated and
/// carried a successful handler's message as the error: they read with it as the message
/// (<see cref="TaskRecord.Normalized"/>).
/// Times are instants: the offset they were taken in (always UTC in the farm) is not kept.
/// </remarks>
internal static class TaskResultsRows
{
    private static readonly JsonNamingPolicy Names = JsonNamingPolicy.CamelCase;

    private static readonly FrozenDictionary<TaskOutcome, string> OutcomeNames =
        Enum.GetValues<TaskOutcome>().ToFrozenDictionary(o => o, o => Names.ConvertName(o.ToString()));

    private static readonly FrozenDictionary<string, TaskOutcome> OutcomesByName =
        OutcomeNames.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static byte[] Write(TaskResultsRecorded recorded)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + recorded.Results.Length * 72);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            var nodes = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var record in recorded.Results)
                nodes.TryAdd(record.Node, nodes.Count);

            json.WriteStartObject();
            json.WriteStartArray("nodes");
            foreach (var node in nodes.Keys) json.WriteStringValue(node);
            json.WriteEndArray();
            json.WriteStartArray("results");
            foreach (var r in recorded.Results)
            {
                json.WriteStartArray();
                json.WriteNumberValue(r.Index);
                json.WriteNumberValue(r.Attempts);
                json.WriteStringValue(OutcomeNames[r.Outcome]);
                if (r.ExitCode is { } code) json.WriteNumberValue(code);
                else json.WriteNullValue();
                json.WriteNumberValue(nodes[r.Node]);
                json.WriteNumberValue(r.Started.UtcTicks);
                json.WriteNumberValue(r.Ended.UtcTicks - r.Started.UtcTicks);
                if (r.Error is not null || r.OutputTruncated || r.Message is not null || r.Payload is not null)
                {
                    WriteNullable(json, r.Error);
                    json.WriteBooleanValue(r.OutputTruncated);
                    if (r.Message is not null || r.Payload is not null)
                    {
                        WriteNullable(json, r.Message);
                        if (r.Payload is { } payload) WritePayload(json, payload, r.PayloadIsJson);
                    }
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string? text)
    {
        if (text is null) json.WriteNullValue();
        else json.WriteStringValue(text);
    }

    private static void WritePayload(Utf8JsonWriter json, byte[] payload, bool isJson)
    {
        json.WriteStartObject();
        if (isJson)
        {
            json.WritePropertyName(JsonPayload);
            // Valid JSON by construction (TaskPayload made it), kept byte for byte.
            json.WriteRawValue(payload, skipInputValidation: true);
        }
        else
        {
            json.WriteBase64String(Base64Payload, payload);
        }
        json.WriteEndObject();
    }

    private const string JsonPayload = "json";
    private const string Base64Payload = "base64";

    /// <exception cref="SerializationException">The payload is not a task-results.v2 row.</exception>
    public static TaskResultsRecorded Read(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        var nodes = new List<string>();
        var rows = new List<(TaskRecord Record, int Node)>();
        Next(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            switch (property)
            {
                case "nodes":
                    Next(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) != JsonTokenType.EndArray)
                        nodes.Add(reader.GetString() ?? throw Malformed("a node name is null"));
                    break;
                case "results":
                    Next(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) != JsonTokenType.EndArray)
                        rows.Add(ReadRow(ref reader, bytes));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        var records = new TaskRecord[rows.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var (record, node) = rows[i];
            if ((uint)node >= (uint)nodes.Count) throw Malformed($"node #{node} is not in the event's {nodes.Count} nodes");
            records[i] = record with { Node = nodes[node] };
        }
        return new TaskResultsRecorded(records);
    }

    private static (TaskRecord, int) ReadRow(ref Utf8JsonReader reader, byte[] bytes)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw Malformed("a result is not an array");
        Next(ref reader);
        var index = reader.GetInt64();
        Next(ref reader);
        var attempts = reader.GetInt32();
        Next(ref reader);
        var outcomeName = reader.GetString() ?? "";
        if (!OutcomesByName.TryGetValue(outcomeName, out var outcome)) throw Malformed($"unknown outcome '{outcomeName}'");
        Next(ref reader);
        int? exitCode = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
        Next(ref reader);
        var node = reader.GetInt32();
        Next(ref reader);
        var started = new DateTimeOffset(reader.GetInt64(), TimeSpan.Zero);
        Next(ref reader);
        var ended = started.AddTicks(reader.GetInt64());
        string? error = null;
        var truncated = false;
        string? message = null;
        byte[]? payload = null;
        var payloadIsJson = false;
        var hasMessageField = false;
        if (Next(ref reader) != JsonTokenType.EndArray)
        {
            error = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
            Next(ref reader);
            truncated = reader.GetBoolean();
            if (Next(ref reader) != JsonTokenType.EndArray)
            {
                hasMessageField = true;
                message = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                if (Next(ref reader) != JsonTokenType.EndArray)
                {
                    (payload, payloadIsJson) = ReadPayload(ref reader, bytes);
                    Next(ref reader, JsonTokenType.EndArray);
                }
            }
        }
        var record = new TaskRecord(index, attempts, outcome, exitCode, "", started, ended, error, truncated, message, payload, payloadIsJson);
        // A row from before messages had their own field: a success's text there is its message.
        return (hasMessageField ? record : record.Normalized(), node);
    }

    private static (byte[] Payload, bool IsJson) ReadPayload(ref Utf8JsonReader reader, byte[] bytes)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw Malformed("a payload is not an object");
        Next(ref reader, JsonTokenType.PropertyName);
        var kind = reader.GetString();
        Next(ref reader);
        (byte[], bool) payload;
        switch (kind)
        {
            case JsonPayload:
                // The value's own bytes, as written: the input is one contiguous array.
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                payload = (bytes.AsSpan(start, (int)reader.BytesConsumed - start).ToArray(), true);
                break;
            case Base64Payload:
                payload = (reader.GetBytesFromBase64(), false);
                break;
            default:
                throw Malformed($"unknown payload kind '{kind}'");
        }
        Next(ref reader, JsonTokenType.EndObject);
        return payload;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw Malformed("it ends early");
        return reader.TokenType;
    }

    private static void Next(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected) throw Malformed($"expected {expected}, found {reader.TokenType}");
    }

    private static SerializationException Malformed(string why) => new($"Malformed task-results.v2 row: {why}.");
}
