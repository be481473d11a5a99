using System.Collections.Concurrent;

namespace ActorFarm.Manifest;

/// <summary>
/// The non-blank lines of the files behind <see cref="FileLinesAxis"/>, read once per path and
/// shared by all threads. A line keeps its text except a trailing <c>\r</c>; lines that are
/// empty or only whitespace are skipped. A failed read is not cached, so a later call retries.
/// </summary>
public static class FileLinesCache
{
    private static readonly ConcurrentDictionary<string, Lazy<string[]>> Cache = new(StringComparer.Ordinal);

    /// <summary>The lines of <paramref name="path"/> (used as given, so pass an absolute path), read on first use.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<string> Get(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lazy = Cache.GetOrAdd(path, static p => new Lazy<string[]>(() => ReadLines(p), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Cache.TryRemove(new KeyValuePair<string, Lazy<string[]>>(path, lazy));
            throw;
        }
    }

    /// <summary>Reads the file again (as the manifest loader does) and caches the fresh lines.</summary>
    public static IReadOnlyList<string> Reload(string path)
    {
        Invalidate(path);
        return Get(path);
    }

    /// <summary>Forgets one file.</summary>
    public static void Invalidate(string path) => Cache.TryRemove(path, out _);

    /// <summary>Forgets every file.</summary>
    public static void Clear() => Cache.Clear();

    /// <summary>Reads the non-blank lines of a file without caching.</summary>
    public static string[] ReadLines(string path)
    {
        var lines = new List<string>();
        // File.ReadLines splits on \n, \r\n and \r, so no line keeps a trailing \r.
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines.Add(line);
        }
        return lines.ToArray();
    }
}
