using System.Globalization;
using System.Text;

namespace ActorFarm.Results;

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
            .Concat(["outcome", "exit_code", "attempts", "node", "start", "end", "duration_s", "stdout", "stderr", "error"]);
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
            .Append(',').Append(Quote(r.Error ?? ""))
            .Append('\n');
        _writer.Write(_line);
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    public void Dispose() => _writer.Dispose();
}
