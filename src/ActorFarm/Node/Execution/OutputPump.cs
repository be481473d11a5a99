using System.Buffers;
using System.Globalization;
using System.Text;

namespace ActorFarm.Node.Execution;

/// <summary>What a pump kept of one stream.</summary>
/// <param name="Kept">Bytes passed to the sink (the truncation notice not included).</param>
/// <param name="Truncated">More was read than the cap allowed; the rest was discarded.</param>
/// <param name="Error">Why the sink stopped accepting bytes (reading went on), or null.</param>
internal readonly record struct PumpResult(long Kept, bool Truncated, string? Error);

/// <summary>
/// Copies a child's stdout or stderr pipe to a sink, keeping at most a cap of bytes and then
/// reading and discarding the rest until end of stream, so the child never blocks on a full
/// pipe. A truncated stream gets a final notice line. Never throws: a failing sink is reported
/// and the pipe still drained; a failing or aborted read ends the pump.
/// </summary>
internal static class OutputPump
{
    private const int BufferSize = 16 * 1024;

    /// <param name="source">The child's stdout or stderr pipe.</param>
    /// <param name="sink">Null discards everything (no truncation is reported).</param>
    /// <param name="cap">Bytes written to the sink at most; the rest is read and discarded.</param>
    /// <param name="abort">Stops reading (the process exited but a descendant still holds the pipe).</param>
    public static async Task<PumpResult> RunAsync(Stream source, IOutputSink? sink, long cap, CancellationToken abort)
    {
        cap = Math.Max(0, cap);
        long kept = 0;
        bool truncated = false;
        string? error = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer.AsMemory(), abort).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    break;
                }
                if (read == 0) break;
                if (sink is null) continue;

                int take = (int)Math.Min(read, cap - kept);
                if (take < read) truncated = true;
                if (take <= 0) continue;
                try
                {
                    await sink.WriteAsync(buffer.AsMemory(0, take)).ConfigureAwait(false);
                    kept += take;
                }
                catch (Exception e)
                {
                    // Whatever the sink's trouble (disk full, a cap too large to hold in memory),
                    // the pipe must still be drained.
                    error = e.Message;
                    sink = null;
                }
            }

            if (truncated && sink is not null)
            {
                try
                {
                    await sink.WriteAsync(TruncationNotice(cap)).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    error = e.Message;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new PumpResult(kept, truncated, error);
    }

    /// <summary>The line appended to a truncated stream.</summary>
    public static byte[] TruncationNotice(long cap) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\n[actorfarm: output truncated at {cap} bytes]\n"));
}
