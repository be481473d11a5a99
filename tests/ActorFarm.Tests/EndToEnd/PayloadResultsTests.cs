using System.Text;
using System.Text.Json;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Xunit;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// Results as data on an embedded farm: a handler's payloads and messages reach results.jsonl,
/// the CSV and <c>ReadResultsAsync</c>, once per task; a payload over the limit fails its task
/// and nothing else; an error is written only for a task that did not succeed.
/// </summary>
public sealed class PayloadResultsTests
{
    private const int Tasks = 10;

    [Fact]
    public async Task Payloads_and_messages_reach_the_results_files_and_the_typed_rows_once_per_task()
    {
        using var output = new TempDirectory("actorfarm-payloads");
        await using var farm = await TestFarm.StartAsync(configure: o => o with
        {
            Handlers = TaskHandlerRegistry.CreateDefault().Register(new PayloadHandler()),
        });

        var status = await farm.RunAsync(Specs.Handler("payloads", PayloadHandler.HandlerName, Tasks, output.Path));

        Assert.Equal((JobPhase.Finished, 4, 6L), (status.Phase, status.Succeeded, status.Failed));

        // results.jsonl, written by the job as it ran.
        var rows = ResultsFile.Read(Path.Combine(output.Path, "payloads", "results.jsonl")).ToDictionary(r => r.Index());
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Keys.Order());
        foreach (var (i, row) in rows)
        {
            switch (PayloadHandler.KindOf(i))
            {
                case PayloadHandler.Kind.Json:
                    Assert.Equal(("succeeded", $"report {i} ready"), (row.Outcome(), row.GetProperty("message").GetString()));
                    Assert.False(row.TryGetProperty("error", out _));
                    // The value itself, not a string holding it.
                    var payload = row.GetProperty("payload");
                    Assert.Equal((i, i * i), (payload.GetProperty("index").GetInt64(), payload.GetProperty("square").GetInt64()));
                    Assert.Equal(["a", $"t{i}"], payload.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
                    break;
                case PayloadHandler.Kind.Bytes:
                    Assert.Equal("succeeded", row.Outcome());
                    Assert.False(row.TryGetProperty("message", out _));
                    Assert.False(row.TryGetProperty("error", out _));
                    Assert.Equal(PayloadHandler.BytesOf(i), row.GetProperty("payload_base64").GetBytesFromBase64());
                    break;
                case PayloadHandler.Kind.FailedWithMessage:
                    Assert.Equal(("failed", 3, $"bad input {i}"), (row.Outcome(), row.ExitCode(), row.GetProperty("message").GetString()));
                    break;
                case PayloadHandler.Kind.Throws:
                    Assert.Equal(("failed", $"boom {i}"), (row.Outcome(), row.GetProperty("error").GetString()));
                    break;
                case PayloadHandler.Kind.Oversized:
                    Assert.Equal("failed", row.Outcome());
                    Assert.Equal($"handler '{PayloadHandler.HandlerName}' returned a payload of 70,000 bytes; the limit is 65,536 bytes (actorfarm.node.max-payload-bytes)",
                        row.GetProperty("error").GetString());
                    Assert.Equal("too much", row.GetProperty("message").GetString());
                    Assert.False(row.TryGetProperty("payload_base64", out _));
                    break;
            }
        }

        // The same rows as data.
        var typed = new List<TaskResultRow>();
        await foreach (var row in farm.Client.ReadResultsAsync(status.JobId))
            typed.Add(row);
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), typed.Select(r => r.Index).Order());
        foreach (var row in typed)
        {
            var i = row.Index;
            Assert.Equal(i.ToString(), row.Parameters["i"]);
            Assert.Equal(rows[i].GetProperty("node").GetString(), row.Node);
            switch (PayloadHandler.KindOf(i))
            {
                case PayloadHandler.Kind.Json:
                    Assert.Equal((TaskOutcome.Succeeded, 0, $"report {i} ready", null), (row.Outcome, row.ExitCode, row.Message, row.Error));
                    Assert.True(row.Payload!.IsJson);
                    Assert.Equal(PayloadHandler.ReportOf(i).Square, row.Payload.As<PayloadHandler.Report>()!.Square);
                    Assert.Equal(TaskPayload.Json(PayloadHandler.ReportOf(i)), row.Payload);
                    break;
                case PayloadHandler.Kind.Bytes:
                    Assert.Equal((TaskOutcome.Succeeded, null, null), (row.Outcome, row.Message, row.Error));
                    Assert.False(row.Payload!.IsJson);
                    Assert.Equal(PayloadHandler.BytesOf(i), row.Payload.Data.ToArray());
                    Assert.Throws<InvalidOperationException>(() => row.Payload.As<PayloadHandler.Report>());
                    break;
                case PayloadHandler.Kind.FailedWithMessage:
                    Assert.Equal((TaskOutcome.Failed, 3, $"bad input {i}", null), (row.Outcome, row.ExitCode, row.Message, row.Payload));
                    break;
                case PayloadHandler.Kind.Throws:
                    Assert.Equal((TaskOutcome.Failed, (int?)null, $"boom {i}"), (row.Outcome, row.ExitCode, row.Error));
                    break;
                case PayloadHandler.Kind.Oversized:
                    Assert.Equal((TaskOutcome.Failed, null, "too much"), (row.Outcome, row.Payload, row.Message));
                    Assert.Contains("70,000 bytes", row.Error);
                    break;
            }
            Assert.Equal(1, row.Attempts);
            Assert.Equal(row.Ended - row.Started, row.Duration);
            Assert.Null(row.Stdout);
        }

        // The CSV, paged through the farm.
        var csv = await farm.Client.ExportResultsAsync(status.JobId, ResultsFormat.Csv, Path.Combine(output.Path, "copy.csv"));
        var lines = Csv.Read(csv);
        var header = lines[0];
        Assert.Equal(["message", "error", "payload"], header[^3..]);
        var csvRows = lines.Skip(1).ToDictionary(l => long.Parse(l[0]));
        Assert.Equal(Tasks, csvRows.Count);
        string Cell(long index, string column) => csvRows[index][Array.IndexOf(header, column)];
        Assert.Equal(Encoding.UTF8.GetString(TaskPayload.Json(PayloadHandler.ReportOf(0)).Data.Span), Cell(0, "payload"));
        Assert.Equal(Convert.ToBase64String(PayloadHandler.BytesOf(1)), Cell(1, "payload"));
        Assert.Equal(("report 0 ready", ""), (Cell(0, "message"), Cell(0, "error")));
        Assert.Equal(("bad input 2", ""), (Cell(2, "message"), Cell(2, "payload")));
        Assert.Equal("boom 3", Cell(3, "error"));

        // The node carries on: the next job runs.
        var next = await farm.RunAsync(Specs.Handler("after", "noop", 5, output.Path));
        Assert.Equal((JobPhase.Finished, 5), (next.Phase, next.Succeeded));
    }

    /// <summary>A small RFC 4180 reader: quoted cells hold commas, quotes and newlines.</summary>
    private static class Csv
    {
        public static List<string[]> Read(string path)
        {
            var text = File.ReadAllText(path);
            var rows = new List<string[]>();
            var row = new List<string>();
            var cell = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else cell.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
                else if (c == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row.ToArray()); row.Clear(); }
                else cell.Append(c);
            }
            return rows;
        }
    }
}
