using System.Text.Json;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// Reads a job's results.jsonl (the farm's own record of when each task started and ended, and
/// where) into a <see cref="ResultsSummary"/>. The results file is what a user gets, so timing
/// figures taken from it are what the farm itself claims, not what the harness guesses.
/// </summary>
public static class ResultsFileScan
{
    public static ResultsSummary Summarize(string path)
    {
        long rows = 0;
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var byNode = new Dictionary<string, DateTimeOffset>();
        var rowsByNode = new Dictionary<string, long>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var row = JsonDocument.Parse(line);
            var start = row.RootElement.GetProperty("start").GetDateTimeOffset();
            var end = row.RootElement.GetProperty("end").GetDateTimeOffset();
            var node = row.RootElement.GetProperty("node").GetString() ?? "";
            rows++;
            if (start < first) first = start;
            if (end > last) last = end;
            if (!byNode.TryGetValue(node, out var nodeFirst) || start < nodeFirst) byNode[node] = start;
            rowsByNode[node] = rowsByNode.GetValueOrDefault(node) + 1;
        }
        if (rows == 0) throw new InvalidOperationException($"{path} holds no results");
        return new ResultsSummary(rows, first, last, byNode, rowsByNode);
    }
}
