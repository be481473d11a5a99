using System.Text;
using ActorFarm.Protocol;

namespace ActorFarm.Node;

/// <summary>
/// Keeps result batches sendable: a task's text (a handler's message, an error) is cut to a
/// bound with a marker saying how much was cut, and a node's buffered results are split into
/// batches that each fit one remote message. Pure functions: the node supervisor applies them.
/// </summary>
internal static class ResultBatching
{
    /// <summary>
    /// <paramref name="result"/> with its text cut to at most <paramref name="maxTextBytes"/> UTF-8
    /// bytes (marker included), and how many bytes were cut (0: returned as is).
    /// </summary>
    public static (TaskResult Result, long CutBytes) Truncate(TaskResult result, long maxTextBytes)
    {
        // Three UTF-8 bytes at most per UTF-16 unit: most texts are known to fit without counting.
        if (result.Error is not { } text || (long)text.Length * 3 <= maxTextBytes)
            return (result, 0);
        var total = Encoding.UTF8.GetByteCount(text);
        if (total <= maxTextBytes) return (result, 0);
        // The marker's own length depends on the number it holds: size it for the total, which
        // is at least as long as the number of bytes cut.
        var room = Math.Max(0, maxTextBytes - Encoding.UTF8.GetByteCount(Marker(total)));
        var kept = Prefix(text, room);
        var cut = total - Encoding.UTF8.GetByteCount(kept);
        return (result with { Error = kept + Marker(cut) }, cut);
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
