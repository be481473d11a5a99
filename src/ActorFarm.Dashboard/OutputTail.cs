using System.Text;

namespace ActorFarm.Dashboard;

/// <summary>
/// The end of a task's output file, for the failures table: at most <see cref="MaxBytes"/>,
/// starting at a line, decoded leniently (a task may write anything). Read again only when the
/// file changed, so a page open for hours costs one read per failure.
/// </summary>
internal sealed class OutputTail
{
    public const int MaxBytes = 2048;

    private readonly Dictionary<string, (long Length, DateTime Written, string Tail)> _cache = new(StringComparer.Ordinal);

    /// <summary>The tail, or null when the file is not on this machine (a node's local disk) or cannot be read.</summary>
    public string? Read(string? path)
    {
        if (path is null) return null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            if (_cache.TryGetValue(path, out var cached) && cached.Length == info.Length && cached.Written == info.LastWriteTimeUtc)
                return cached.Tail;
            var tail = ReadTail(path);
            _cache[path] = (info.Length, info.LastWriteTimeUtc, tail);
            return tail;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Forgets the files no longer shown (the cache stays as small as the table).</summary>
    public void KeepOnly(IReadOnlySet<string> paths)
    {
        foreach (var path in _cache.Keys.Where(p => !paths.Contains(p)).ToList()) _cache.Remove(path);
    }

    private static string ReadTail(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var start = Math.Max(0, file.Length - MaxBytes);
        file.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[file.Length - start];
        file.ReadExactly(buffer);
        var text = Encoding.UTF8.GetString(buffer);
        // Cut mid-file: begin at the first whole line.
        if (start > 0 && text.IndexOf('\n') is var newline and >= 0 && newline < text.Length - 1) text = text[(newline + 1)..];
        return text.TrimEnd();
    }
}
