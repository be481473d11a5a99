using System.Text;
using System.Text.Unicode;

namespace ActorFarm.Manifest;

/// <summary>
/// Where the non-blank lines of a file-lines sweep's file are, so that any one of them can be
/// read without holding the file: one streaming pass records a checkpoint (byte offset, number
/// of non-blank lines before it) at the first line that starts at least
/// <see cref="CheckpointSpacing"/> bytes after the previous checkpoint, and a line is read by
/// seeking to the checkpoint before it and scanning less than that spacing plus one line. The
/// index costs 16 bytes per 4 KiB of file (4 MiB for 1 GiB), whatever the number of lines.
/// Lines end with <c>\n</c>, <c>\r\n</c> or <c>\r</c>; lines that are empty or only whitespace are
/// skipped; the text must be UTF-8 (a byte-order mark is skipped) without NUL bytes.
/// </summary>
internal sealed class FileLinesIndex
{
    /// <summary>The longest line accepted when a manifest is loaded, unless <see cref="ManifestOptions.MaxSweepLineBytes"/> says otherwise.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>The longest line any reader accepts: the nodes that render tasks index with this.</summary>
    public const int MaxLineBytesCeiling = 16 * 1024 * 1024;

    /// <summary>Bytes of file between checkpoints (at most; a checkpoint sits at a line start).</summary>
    public const int CheckpointSpacing = 4096;

    private const int ReadBlock = 64 * 1024;

    // The block a thread read last, and where its last line ended: tasks are mostly rendered in
    // index order, so the next line is usually in the same block, right after the last one.
    [ThreadStatic] private static Block? _block;
    [ThreadStatic] private static FileLinesIndex? _cursorOwner;
    [ThreadStatic] private static long _cursorLine;
    [ThreadStatic] private static long _cursorOffset;

    private readonly long[] _checkpointOffsets;
    private readonly long[] _checkpointLines;

    private FileLinesIndex(string path, FileStamp stamp, int maxLineBytes, long maxLines, long lineCount, long[] offsets, long[] lines)
    {
        Path = path;
        Stamp = stamp;
        MaxLineBytes = maxLineBytes;
        MaxLines = maxLines;
        LineCount = lineCount;
        _checkpointOffsets = offsets;
        _checkpointLines = lines;
    }

    /// <summary>The file, as given to <see cref="Build"/>.</summary>
    public string Path { get; }

    /// <summary>Size and modification time of the file when it was indexed.</summary>
    public FileStamp Stamp { get; }

    /// <summary>The line limit the file was checked against.</summary>
    public int MaxLineBytes { get; }

    /// <summary>The limit of non-blank lines the file was checked against.</summary>
    public long MaxLines { get; }

    /// <summary>Non-blank lines in the file.</summary>
    public long LineCount { get; }

    /// <summary>Checkpoints held (for tests and measurements of the index's size).</summary>
    public int CheckpointCount => _checkpointOffsets.Length;

    /// <summary>Indexes a regular file in one pass, checking every line on the way.</summary>
    /// <param name="path">The file to index.</param>
    /// <param name="maxLineBytes">A longer line (without its line break) is refused.</param>
    /// <param name="maxLines">More non-blank lines than this are refused (the scan stops there).</param>
    /// <exception cref="FileLinesException">Not a regular file, a line too long, not UTF-8, a NUL byte, too many lines.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static FileLinesIndex Build(string path, int maxLineBytes = DefaultMaxLineBytes, long maxLines = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLineBytes, MaxLineBytesCeiling);
        var (kind, _) = InputFiles.Inspect(path);
        if (InputFiles.NotARegularFile(path, kind) is { } problem) throw new FileLinesException(problem);
        var stamp = FileStamp.Of(path);

        var offsets = new List<long>();
        var lines = new List<long>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        int capacity = maxLineBytes + ReadBlock;
        var buffer = new byte[Math.Min(capacity, ReadBlock)];
        long bufferOffset = 0; // file offset of buffer[0]
        int start = 0, end = 0;
        bool endOfFile = false, first = true;
        long physicalLine = 0, count = 0, nextCheckpoint = 0;
        while (true)
        {
            var data = buffer.AsSpan(start, end - start);
            if (data.Length == 0 && endOfFile) break;
            if (!TryFindLineEnd(data, endOfFile, out int length, out int breakLength))
            {
                if (length > maxLineBytes) throw TooLong(path, physicalLine + 1, maxLineBytes);
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    bufferOffset += start;
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length) Array.Resize(ref buffer, Math.Min(capacity, buffer.Length * 2));
                int read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0) endOfFile = true;
                end += read;
                if (first && end >= 3 || endOfFile)
                {
                    if (first && buffer.AsSpan(0, end).StartsWith("\uFEFF"u8)) start = 3;
                    first = false;
                }
                continue;
            }

            physicalLine++;
            if (length > maxLineBytes) throw TooLong(path, physicalLine, maxLineBytes);
            long lineOffset = bufferOffset + start;
            if (lineOffset >= nextCheckpoint)
            {
                offsets.Add(lineOffset);
                lines.Add(count);
                nextCheckpoint = lineOffset + CheckpointSpacing;
            }
            var line = data[..length];
            if (line.Contains((byte)0))
                throw new FileLinesException($"line {physicalLine} of {path} holds a NUL byte; no argument, variable or path can hold NUL");
            if (!Utf8.IsValid(line))
                throw new FileLinesException($"line {physicalLine} of {path} is not valid UTF-8 text; save the file as UTF-8");
            if (!IsBlank(line) && ++count > maxLines)
                throw new FileLinesException($"{path} has more than {ValueParsers.Format(maxLines)} non-blank lines, more than the limit of tasks per job");
            start += length + breakLength;
        }
        if (offsets.Count == 0)
        {
            offsets.Add(0);
            lines.Add(0);
        }
        return new FileLinesIndex(path, stamp, maxLineBytes, maxLines, count, offsets.ToArray(), lines.ToArray());
    }

    /// <summary>The non-blank line at <paramref name="index"/> (0-based), without its line break.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0 … <see cref="LineCount"/>-1.</exception>
    /// <exception cref="FileLinesException">The file changed so that the line is no longer there.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public string LineAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LineCount);

        // The last checkpoint that has at most `index` non-blank lines before it.
        int lo = 0, hi = _checkpointLines.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (_checkpointLines[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        long offset = _checkpointOffsets[lo], line = _checkpointLines[lo];
        if (ReferenceEquals(_cursorOwner, this) && _cursorLine <= index && _cursorOffset >= offset)
            (offset, line) = (_cursorOffset, _cursorLine);

        while (true)
        {
            var text = LineStartingAt(offset, out int breakLength, out bool endOfData);
            if (endOfData)
                throw new FileLinesException($"{Path} ended before its non-blank line {index + 1}; it changed after it was indexed");
            if (!IsBlank(text))
            {
                if (line == index)
                {
                    var value = Encoding.UTF8.GetString(text);
                    (_cursorOwner, _cursorLine, _cursorOffset) = (this, index + 1, offset + text.Length + breakLength);
                    return value;
                }
                line++;
            }
            offset += text.Length + breakLength;
        }
    }

    /// <summary>The line that starts at <paramref name="offset"/>, from this thread's block (read again when it does not hold the whole line).</summary>
    private ReadOnlySpan<byte> LineStartingAt(long offset, out int breakLength, out bool endOfData)
    {
        var block = _block;
        if (block is not null && ReferenceEquals(block.Owner, this) && offset >= block.Offset && offset <= block.Offset + block.Length)
        {
            var data = block.Data.AsSpan((int)(offset - block.Offset), block.Length - (int)(offset - block.Offset));
            if (data.Length == 0 && block.EndOfFile)
            {
                (endOfData, breakLength) = (true, 0);
                return default;
            }
            if (TryFindLineEnd(data, block.EndOfFile, out int length, out breakLength))
            {
                endOfData = false;
                return data[..length];
            }
        }

        // Read from the line's start, growing the block until it holds the whole line.
        int size = Math.Max(block?.Data.Length ?? 0, ReadBlock);
        while (true)
        {
            block = Read(offset, size);
            _block = block;
            var data = block.Data.AsSpan(0, block.Length);
            endOfData = data.Length == 0 && block.EndOfFile;
            if (endOfData)
            {
                breakLength = 0;
                return default;
            }
            if (TryFindLineEnd(data, block.EndOfFile, out int length, out breakLength)) return data[..length];
            if (size >= MaxLineBytesCeiling + 2)
                throw new FileLinesException($"{Path} has a line longer than {ValueParsers.Format(MaxLineBytesCeiling)} bytes at byte {offset}; it changed after it was indexed");
            size = Math.Min(MaxLineBytesCeiling + 2, size * 2);
        }
    }

    private Block Read(long offset, int size)
    {
        var data = _block is { } old && old.Data.Length == size ? old.Data : new byte[size];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int filled = 0;
        while (filled < size)
        {
            int n = RandomAccess.Read(handle, data.AsSpan(filled), offset + filled);
            if (n == 0) break;
            filled += n;
        }
        return new Block(this, offset, data, filled, filled < size);
    }

    /// <summary>
    /// Finds the end of the line that starts at <c>data[0]</c>: its length and that of its line
    /// break. False when <paramref name="data"/> ends before the line does and more may follow
    /// (<paramref name="length"/> is then what was seen of it).
    /// </summary>
    private static bool TryFindLineEnd(ReadOnlySpan<byte> data, bool endOfFile, out int length, out int breakLength)
    {
        int at = data.IndexOfAny((byte)'\n', (byte)'\r');
        if (at < 0)
        {
            length = data.Length;
            breakLength = 0;
            return endOfFile;
        }
        length = at;
        if (data[at] == (byte)'\n') breakLength = 1;
        else if (at + 1 < data.Length) breakLength = data[at + 1] == (byte)'\n' ? 2 : 1;
        else if (endOfFile) breakLength = 1;
        else
        {
            breakLength = 0;
            return false; // a '\r' at the end of the data: is a '\n' next?
        }
        return true;
    }

    /// <summary>Empty or only whitespace, as <see cref="string.IsNullOrWhiteSpace"/> sees it, without decoding ASCII.</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        for (int i = 0; i < line.Length;)
        {
            byte b = line[i];
            if (b < 0x80)
            {
                if (!char.IsWhiteSpace((char)b)) return false;
                i++;
                continue;
            }
            if (System.Text.Rune.DecodeFromUtf8(line[i..], out var rune, out int consumed) != System.Buffers.OperationStatus.Done
                || !System.Text.Rune.IsWhiteSpace(rune))
                return false;
            i += consumed;
        }
        return true;
    }

    private static FileLinesException TooLong(string path, long line, int maxLineBytes) =>
        new($"line {line} of {path} is longer than {ValueParsers.Format(maxLineBytes)} bytes, the limit for a file-lines sweep (ManifestOptions.MaxSweepLineBytes)");

    private sealed record Block(FileLinesIndex Owner, long Offset, byte[] Data, int Length, bool EndOfFile);
}

/// <summary>Size and modification time of a file: when either changes, an index of it is stale.</summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp of the file now (length -1 when it does not exist).</summary>
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : new FileStamp(-1, default);
    }
}

/// <summary>A file-lines sweep's file cannot be used: why, naming the file and, where it applies, the line.</summary>
internal sealed class FileLinesException(string message) : IOException(message);
