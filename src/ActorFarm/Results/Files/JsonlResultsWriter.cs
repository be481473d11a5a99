using System.Buffers;
using System.Text.Json;

namespace ActorFarm.Results.Files;

/// <summary>
/// One JSON object per line: a handler's message as <c>"message"</c>, a failure's reason as
/// <c>"error"</c> (never on a success), a JSON payload as <c>"payload"</c> (the value itself), a
/// bytes payload as <c>"payload_base64"</c>; fields with nothing to say are left out. Rows are written into a memory buffer that goes to the stream in
/// 64 KiB pieces: a million rows cost a few hundred writes, not a million flushes.
/// </summary>
internal sealed class JsonlResultsWriter : IResultsWriter
{
    private const int FlushAt = 1 << 16;
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);
    private readonly Utf8JsonWriter _json;

    public JsonlResultsWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public void Write(in ResultRow row)
    {
        var r = row.Record;
        _json.WriteStartObject();
        _json.WriteNumber("index", r.Index);
        _json.WriteStartObject("parameters");
        foreach (var (name, value) in row.Parameters) _json.WriteString(name, value);
        _json.WriteEndObject();
        _json.WriteString("outcome", OutcomeNames.Of(r.Outcome));
        if (r.ExitCode is { } code) _json.WriteNumber("exitCode", code);
        else _json.WriteNull("exitCode");
        _json.WriteNumber("attempts", r.Attempts);
        _json.WriteString("node", r.Node);
        _json.WriteString("start", r.Started);
        _json.WriteString("end", r.Ended);
        _json.WriteNumber("durationSeconds", Math.Round(row.DurationSeconds, 6));
        WriteOptional("stdout", row.Stdout);
        WriteOptional("stderr", row.Stderr);
        if (r.OutputTruncated) _json.WriteBoolean("outputTruncated", true);
        WriteOptional("message", r.Message);
        WriteOptional("error", r.Error);
        if (r.Payload is { } payload)
        {
            if (r.PayloadIsJson)
            {
                _json.WritePropertyName("payload");
                // Valid JSON by construction (TaskPayload made it), written as the value itself.
                _json.WriteRawValue(payload, skipInputValidation: true);
            }
            else
            {
                _json.WriteBase64String("payload_base64", payload);
            }
        }
        _json.WriteEndObject();
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        _json.Reset(_buffer);
        if (_buffer.WrittenCount >= FlushAt) Drain();
    }

    public void Flush()
    {
        _json.Flush();
        Drain();
    }

    private void Drain()
    {
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    private void WriteOptional(string name, string? value)
    {
        if (value is not null) _json.WriteString(name, value);
    }

    public void Dispose()
    {
        _json.Flush();
        Drain();
        _json.Dispose();
    }
}
