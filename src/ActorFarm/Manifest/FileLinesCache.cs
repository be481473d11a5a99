using System.Collections.Concurrent;

namespace ActorFarm.Manifest;

/// <summary>
/// The <see cref="FileLinesIndex"/> of each file behind a <see cref="FileLinesAxis"/>, built once
/// per file and process and shared by all threads. Every node that renders tasks builds its own
/// from the file (reachable there, as on the shared file system of a cluster); the spec carries
/// only the path and the line count. An index is rebuilt when the file's size or modification
/// time changes, so it never reads a changed file at stale offsets. A failed build is not
/// cached, so a later call retries.
/// </summary>
internal static class FileLinesCache
{
    private sealed record Entry(FileStamp Stamp, Lazy<FileLinesIndex> Index);

    private static readonly ConcurrentDictionary<string, Entry> Cache = new(StringComparer.Ordinal);

    /// <summary>The index of <paramref name="path"/> (used as given, so pass an absolute path), built on first use.
    /// Lines up to <see cref="FileLinesIndex.MaxLineBytesCeiling"/> are accepted: the loader applied the manifest's limit.</summary>
    /// <exception cref="IOException">The file cannot be read or indexed (<see cref="FileLinesException"/> says why).</exception>
    public static FileLinesIndex Get(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stamp = FileStamp.Of(path);
        while (true)
        {
            if (Cache.TryGetValue(path, out var entry) && entry.Stamp == stamp) return ValueOf(path, entry);
            var fresh = new Entry(stamp, new Lazy<FileLinesIndex>(
                () => FileLinesIndex.Build(path, FileLinesIndex.MaxLineBytesCeiling), LazyThreadSafetyMode.ExecutionAndPublication));
            if (entry is null ? Cache.TryAdd(path, fresh) : Cache.TryUpdate(path, fresh, entry)) return ValueOf(path, fresh);
        }
    }

    /// <summary>
    /// Indexes the file again (as the manifest loader does, with its limits) and caches the fresh
    /// index; an index of the unchanged file already checked against limits at least as strict is
    /// kept (several jobs of one manifest often share a file).
    /// </summary>
    /// <exception cref="IOException">The file cannot be read or indexed (<see cref="FileLinesException"/> says why).</exception>
    public static FileLinesIndex Reload(string path, int maxLineBytes = FileLinesIndex.DefaultMaxLineBytes, long maxLines = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Cache.TryGetValue(path, out var cached) && cached.Index.IsValueCreated && cached.Stamp == FileStamp.Of(path)
            && cached.Index.Value is { } known && known.MaxLineBytes <= maxLineBytes && known.MaxLines <= maxLines)
            return known;
        Invalidate(path);
        var index = FileLinesIndex.Build(path, maxLineBytes, maxLines);
        Cache[path] = new Entry(index.Stamp, new Lazy<FileLinesIndex>(index));
        return index;
    }

    /// <summary>Forgets one file.</summary>
    public static void Invalidate(string path) => Cache.TryRemove(path, out _);

    private static FileLinesIndex ValueOf(string path, Entry entry)
    {
        try
        {
            return entry.Index.Value;
        }
        catch
        {
            Cache.TryRemove(new KeyValuePair<string, Entry>(path, entry));
            throw;
        }
    }
}
