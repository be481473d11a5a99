using System.Globalization;
using System.Text;
using ActorFarm.Protocol;

namespace ActorFarm.Results.Files;

/// <summary>
/// Comma-separated rows with a header, one column per sweep parameter; <c>message</c>, <c>error</c>
/// (never on a success) and <c>payload</c> (a JSON payload's text, a bytes payload in base64) last.
/// </summary>
internal sealed class CsvResultsWriter : IResultsWriter
{
    private readonly StreamWriter _writer;
    private readonly string[] _parameterNames;
    private readonly StringBuilder _line = new();

    public CsvResultsWriter(Stream stream, string[] parameterNames)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        _parameterNames = parameterNames;
        var header = new[] { "index" }.Concat(parameterNames)
            .Concat(["outcome", "exit_code", "attempts", "node", "start", "end", "duration_s", "stdout", "stderr", "message", "error", "payload"]);
        _writer.Write(string.Join(',', header.Select(Quote)));
        _writer.Write('\n');
    }

    public void Write(in ResultRow row)
    {
        var r = row.Record;
        _line.Clear();
        _line.Append(r.Index.ToString(CultureInfo.InvariantCulture));
        foreach (var name in _parameterNames)
            _line.Append(',').Append(Quote(row.Parameters.GetValueOrDefault(name, "")));
        _line.Append(',').Append(OutcomeNames.Of(r.Outcome))
            .Append(',').Append(r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "")
            .Append(',').Append(r.Attempts.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(Quote(r.Node))
            .Append(',').Append(r.Started.ToString("O", CultureInfo.InvariantCulture))
            .Append(',').Append(r.Ended.ToString("O", CultureInfo.InvariantCulture))
            .Append(',').Append(row.DurationSeconds.ToString("0.######", CultureInfo.InvariantCulture))
            .Append(',').Append(Quote(row.Stdout ?? ""))
            .Append(',').Append(Quote(row.Stderr ?? ""))
            .Append(',').Append(Quote(r.Message ?? ""))
            .Append(',').Append(Quote(r.Error ?? ""))
            .Append(',').Append(Quote(Payload(r)))
            .Append('\n');
        _writer.Write(_line);
    }

    /// <summary>A JSON payload's text, a bytes payload in base64, or nothing.</summary>
    private static string Payload(TaskRecord r) => r.Payload switch
    {
        null => "",
        var bytes when r.PayloadIsJson => Encoding.UTF8.GetString(bytes),
        var bytes => Convert.ToBase64String(bytes),
    };

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
