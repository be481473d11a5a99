using System.Text.Json;

namespace ActorFarm.Results;

internal sealed class JsonlResultsWriter(Stream stream) : IResultsWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Utf8JsonWriter _json = new(stream, new JsonWriterOptions { SkipValidation = true });

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
        WriteOptional("error", r.Error);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        stream.Write(NewLine);
    }

    private void WriteOptional(string name, string? value)
    {
        if (value is not null) _json.WriteString(name, value);
    }

    public void Dispose() => _json.Dispose();
}
