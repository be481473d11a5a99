using System.Buffers;

namespace ActorFarm.Node.Execution;

/// <summary>Where the kept bytes of one output stream of one task go.</summary>
internal interface IOutputSink : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data);
}

/// <summary>A per-task file, created (or truncated, for a new attempt) when the sink opens.</summary>
internal sealed class FileOutputSink : IOutputSink
{
    /// <summary>Small pipe reads (a line at a time) are gathered before they reach the disk.</summary>
    private const int WriteBufferSize = 16 * 1024;

    private readonly FileStream _stream;

    /// <exception cref="IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be created.</exception>
    public FileOutputSink(string path)
    {
        Path = path;
        _stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            Options = FileOptions.Asynchronous,
            BufferSize = WriteBufferSize,
        });
    }

    public string Path { get; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data) => _stream.WriteAsync(data);

    /// <summary>Closes the file before anything was written (nothing to flush, so nothing blocks).</summary>
    public void Abandon() => _stream.Dispose();

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

/// <summary>
/// Kept bytes held in memory until the task ends (combined capture writes each task as one
/// block). The storage is rented from <see cref="ArrayPool{T}.Shared"/> and grows by doubling;
/// the pump's cap bounds it.
/// </summary>
internal sealed class BufferOutputSink : IOutputSink
{
    private byte[] _buffer = [];
    private int _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        int needed = checked(_length + data.Length);
        if (needed > _buffer.Length) Grow(needed);
        data.Span.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
        return ValueTask.CompletedTask;
    }

    private void Grow(int needed)
    {
        int size = Math.Max(needed, Math.Max(4096, _buffer.Length * 2));
        if (size > Array.MaxLength) size = needed;
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        Release();
        _buffer = bigger;
    }

    private void Release()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    public ValueTask DisposeAsync()
    {
        Release();
        _length = 0;
        return ValueTask.CompletedTask;
    }
}
