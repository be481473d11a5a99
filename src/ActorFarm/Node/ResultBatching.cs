using System.Globalization;
using System.Text;
using ActorFarm.Protocol;

namespace ActorFarm.Node;

/// <summary>
/// Keeps result batches sendable: a task's text (a handler's message, an error) is cut to a
/// bound with a marker saying how much was cut, a payload beyond its bound fails the task, and a
/// node's buffered results are split into batches that each fit one remote message. Pure functions: the node supervisor applies them.
/// </summary>
internal static class ResultBatching
{
    /// <summary>
    /// <paramref name="result"/> with its texts (error and message together) cut to at most
    /// <paramref name="maxTextBytes"/> UTF-8 bytes, markers included, and how many bytes were cut
    /// (0: returned as is). When both are too long, the error keeps at least half the room.
    /// </summary>
    public static (TaskResult Result, long CutBytes) Truncate(TaskResult result, long maxTextBytes)
    {
        var (error, message) = (result.Error, result.Message);
        // Three UTF-8 bytes at most per UTF-16 unit: most texts are known to fit without counting.
        if (((long)(error?.Length ?? 0) + (message?.Length ?? 0)) * 3 <= maxTextBytes)
            return (result, 0);
        var errorBytes = error is null ? 0 : Encoding.UTF8.GetByteCount(error);
        var messageBytes = message is null ? 0 : Encoding.UTF8.GetByteCount(message);
        if (errorBytes + messageBytes <= maxTextBytes) return (result, 0);
        var errorRoom = message is null ? maxTextBytes : Math.Max(maxTextBytes - messageBytes, maxTextBytes / 2);
        var (keptError, errorCut) = Cut(error, errorBytes, errorRoom);
        var messageRoom = Math.Max(0, maxTextBytes - (errorCut == 0 ? errorBytes : Encoding.UTF8.GetByteCount(keptError!)));
        var (keptMessage, messageCut) = Cut(message, messageBytes, messageRoom);
        return (result with { Error = keptError, Message = keptMessage }, errorCut + messageCut);
    }

    /// <summary>
    /// <paramref name="result"/> failed, its payload dropped, when the payload is larger than
    /// <paramref name="limit"/> bytes; else as is. A payload that big could not be sent, and a
    /// task whose result disappears would look done to the handler's author: the failure says why.
    /// </summary>
    /// <param name="result">The task's result as the worker reported it.</param>
    /// <param name="handler">The job's handler, named in the error.</param>
    /// <param name="limit">The bound in force on this node, in bytes.</param>
    /// <param name="configured">The configured bound (<c>actorfarm.node.max-payload-bytes</c>), which the frame size may lower to <paramref name="limit"/>.</param>
    public static TaskResult RefuseOversizedPayload(TaskResult result, string? handler, long limit, long configured)
    {
        if (result.Payload is not { } payload || payload.LongLength <= limit) return result;
        var why = configured <= limit
            ? "actorfarm.node.max-payload-bytes"
            : $"actorfarm.node.max-payload-bytes is {configured.ToString("N0", CultureInfo.InvariantCulture)}, lowered to a quarter of akka.remote.dot-netty.tcp.maximum-frame-size";
        return result with
        {
            Outcome = TaskOutcome.Failed,
            ExitCode = null,
            Payload = null,
            PayloadIsJson = false,
            Error = $"{(handler is null ? "the handler" : $"handler '{handler}'")} returned a payload of {payload.LongLength.ToString("N0", CultureInfo.InvariantCulture)} bytes; " +
                    $"the limit is {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes ({why})",
        };
    }

    /// <summary><paramref name="text"/> (of <paramref name="total"/> UTF-8 bytes) cut to <paramref name="room"/> bytes with its marker, and the bytes cut.</summary>
    private static (string? Text, long Cut) Cut(string? text, long total, long room)
    {
        if (text is null || total <= room) return (text, 0);
        // The marker's own length depends on the number it holds: size it for the total, which
        // is at least as long as the number of bytes cut.
        var kept = Prefix(text, Math.Max(0, room - Encoding.UTF8.GetByteCount(Marker(total))));
        var cut = total - Encoding.UTF8.GetByteCount(kept);
        return (kept + Marker(cut), cut);
    }

    /// <summary>The marker appended to a cut text.</summary>
    public static string Marker(long cutBytes) => $"…[truncated {cutBytes} bytes]";

    /// <summary>
    /// Splits <paramref name="results"/>, in order, into batches of at most <paramref name="maxCount"/>
    /// results whose estimated size (<see cref="WireLimits.EstimateBytes(TaskResult)"/>) stays within
    /// <paramref name="budgetBytes"/>; a result larger than the budget on its own goes alone (the
    /// text bound keeps that from happening).
    /// </summary>
    public static List<TaskResult[]> Split(IReadOnlyList<TaskResult> results, int maxCount, long budgetBytes)
    {
        var batches = new List<TaskResult[]>();
        var start = 0;
        long bytes = 0;
        for (var i = 0; i < results.Count; i++)
        {
            var size = WireLimits.EstimateBytes(results[i]);
            if (i > start && (i - start >= maxCount || bytes + size > budgetBytes))
            {
                batches.Add(Slice(results, start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        if (start < results.Count) batches.Add(Slice(results, start, results.Count));
        return batches;
    }

    /// <summary>Cuts <paramref name="items"/> into arrays of at most <paramref name="maxCount"/>.</summary>
    public static IEnumerable<T[]> Chunk<T>(IReadOnlyList<T> items, int maxCount)
    {
        for (var start = 0; start < items.Count; start += maxCount)
        {
            var chunk = new T[Math.Min(maxCount, items.Count - start)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = items[start + i];
            yield return chunk;
        }
    }

    private static TaskResult[] Slice(IReadOnlyList<TaskResult> results, int from, int to)
    {
        var slice = new TaskResult[to - from];
        for (var i = from; i < to; i++) slice[i - from] = results[i];
        return slice;
    }

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a surrogate pair.</summary>
    private static string Prefix(string text, long maxBytes)
    {
        long bytes = 0;
        var i = 0;
        while (i < text.Length)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(i, width));
            if (bytes + size > maxBytes) break;
            bytes += size;
            i += width;
        }
        return text[..i];
    }
}
