using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ActorFarm.Node.Execution;

/// <summary>
/// A node's log of a job for combined capture (<c>output.&lt;node&gt;.log</c>, see
/// <see cref="ActorFarm.Manifest.OutputLayout.CombinedLog"/>): each task's output is appended as one block,
/// <code>
/// ==> task &lt;index&gt; attempt &lt;attempt&gt; exit &lt;code|timeout|cancelled&gt; &lt;==
/// stdout…
/// --- stderr ---        (only when stderr is non-empty)
/// stderr…
/// </code>
/// One instance per path in this process (a static registry), so appends from concurrent
/// tasks are serialized and blocks never interleave. Each block is written with one write call.
/// </summary>
internal sealed class CombinedOutputLog
{
    private static readonly ConcurrentDictionary<string, CombinedOutputLog> Logs = new(StringComparer.Ordinal);
    private static readonly byte[] StderrMarker = "--- stderr ---\n"u8.ToArray();

    private readonly SemaphoreSlim _gate = new(1, 1);

    private CombinedOutputLog(string path) => Path = path;

    public string Path { get; }

    /// <summary>The log at <paramref name="path"/> (made absolute); the same instance for the same path.</summary>
    public static CombinedOutputLog For(string path) =>
        Logs.GetOrAdd(System.IO.Path.GetFullPath(path), static p => new CombinedOutputLog(p));

    /// <summary>Appends one task's block. The directory must exist.</summary>
    /// <exception cref="IOException">The log cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The log cannot be written.</exception>
    public async Task AppendBlockAsync(long index, int attempt, string exitLabel, ReadOnlyMemory<byte> stdout, ReadOnlyMemory<byte> stderr)
    {
        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"==> task {index} attempt {attempt} exit {exitLabel} <==\n"));
        bool stdoutNeedsNewline = !stdout.IsEmpty && stdout.Span[^1] != (byte)'\n';
        bool stderrNeedsNewline = !stderr.IsEmpty && stderr.Span[^1] != (byte)'\n';
        int length = header.Length + stdout.Length + (stdoutNeedsNewline ? 1 : 0);
        if (!stderr.IsEmpty) length += StderrMarker.Length + stderr.Length + (stderrNeedsNewline ? 1 : 0);

        byte[] block = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = block.AsSpan();
            int at = Copy(header, span, 0);
            at = Copy(stdout.Span, span, at);
            if (stdoutNeedsNewline) span[at++] = (byte)'\n';
            if (!stderr.IsEmpty)
            {
                at = Copy(StderrMarker, span, at);
                at = Copy(stderr.Span, span, at);
                if (stderrNeedsNewline) span[at++] = (byte)'\n';
            }
            await AppendAsync(block.AsMemory(0, at)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private async Task AppendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Opened per block: a job's log is written once per task, and holding no handle lets
            // the file be rotated or deleted between tasks.
            var stream = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            await using (stream.ConfigureAwait(false))
                await stream.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination, int at)
    {
        source.CopyTo(destination[at..]);
        return at + source.Length;
    }
}
