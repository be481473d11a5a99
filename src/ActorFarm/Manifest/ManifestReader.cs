namespace ActorFarm.Manifest;

/// <summary>
/// State shared while one manifest is read: where errors go, how lines are found, how
/// relative paths resolve, plus the typed reads of scalar values. Every read reports a
/// problem and carries on, so one pass finds all errors.
/// </summary>
internal sealed class ManifestReader : IErrorSink
{
    private readonly HoconLineLocator _locator;

    public ManifestReader(string file, string baseDirectory, ManifestOptions options, HoconLineLocator locator)
    {
        File = file;
        BaseDirectory = baseDirectory;
        Options = options;
        _locator = locator;
    }

    public string File { get; }

    public string BaseDirectory { get; }

    public ManifestOptions Options { get; }

    public List<ManifestError> Errors { get; } = new();

    // Where ReportNulCharacters found a problem: a job with one is not built (its paths cannot be resolved).
    private readonly List<List<string>> _textProblems = new();

    /// <summary>Whether <see cref="ReportNulCharacters"/> reported a problem at or under <paramref name="path"/>.</summary>
    public bool HasTextProblemsUnder(KeyPath path)
    {
        var prefix = path.Segments();
        return _textProblems.Exists(p => p.Count >= prefix.Count && p.Take(prefix.Count).SequenceEqual(prefix));
    }

    public void Error(KeyPath path, string message) =>
        Errors.Add(new ManifestError(File, path.ToString(), LineOf(path), message));

    /// <summary>Line of the key, or of its nearest ancestor present in the text (a missing key is reported at its parent).</summary>
    public int? LineOf(KeyPath path)
    {
        for (var p = path; p is { IsRoot: false }; p = p.Parent)
            if (_locator.FindLine(p.Segments()) is { } line) return line;
        return null;
    }

    /// <summary>Reports keys of <paramref name="obj"/> that are not in <paramref name="known"/>, suggesting the closest known one.</summary>
    public void CheckKeys(HoconNode obj, KeyPath path, IReadOnlyList<string> known)
    {
        foreach (var (key, _) in obj.Fields!)
        {
            if (known.Contains(key)) continue;
            var hint = KeySuggester.Hint(key, known);
            var where = path.IsRoot ? "at the top level" : $"in {path}";
            Error(path.Child(key), $"unknown key '{key}' {where}{hint}; known keys: {string.Join(", ", known)}");
        }
    }

    /// <summary>Reports every key and string value under <paramref name="node"/> that holds a NUL
    /// character or a lone surrogate (<see cref="JobRules.TextProblem"/>).</summary>
    public void ReportNulCharacters(HoconNode node, KeyPath path)
    {
        // Iterative: the tree is at most ManifestLimits.MaxNestingDepth deep, but a list may be long.
        var pending = new Stack<(HoconNode Node, KeyPath Path)>();
        pending.Push((node, path));
        while (pending.TryPop(out var item))
        {
            var (n, p) = item;
            switch (n.Kind)
            {
                case HoconKind.String when JobRules.TextProblem(n.Text!) is { } problem:
                    Error(p, problem);
                    _textProblems.Add(p.Segments());
                    break;
                case HoconKind.Array:
                    for (int i = n.Items!.Count - 1; i >= 0; i--) pending.Push((n.Items[i], p.At(i)));
                    break;
                case HoconKind.Object:
                    for (int i = n.Fields!.Count - 1; i >= 0; i--)
                    {
                        var (key, child) = n.Fields[i];
                        if (key.Contains('\0'))
                        {
                            Error(p, JobRules.NulInKey);
                            _textProblems.Add(p.Segments());
                        }
                        else pending.Push((child, p.Child(key)));
                    }
                    break;
            }
        }
    }

    /// <summary>True when the node is an object; otherwise reports what was expected.</summary>
    public bool ExpectObject(HoconNode node, KeyPath path, string expected)
    {
        if (node.Kind == HoconKind.Object) return true;
        Error(path, $"expected {expected}, got {Describe(node)}");
        return false;
    }

    public static string Describe(HoconNode node) =>
        node.Kind == HoconKind.Invalid ? $"an invalid value ({node.Text})" : node.Describe();

    /// <summary>A scalar's text; null when absent; reports lists and objects.</summary>
    public string? ReadString(HoconNode? node, KeyPath path, string expected = "a string")
    {
        if (node is null || node.Kind == HoconKind.Null) return null;
        if (node.Kind == HoconKind.String) return node.Text;
        Error(path, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    public bool? ReadBool(HoconNode? node, KeyPath path)
    {
        var s = ReadString(node, path, "true or false");
        if (s is null) return null;
        if (ValueParsers.TryParseBool(s, out var b)) return b;
        Error(path, $"expected true or false, got \"{s}\"");
        return null;
    }

    public long? ReadLong(HoconNode? node, KeyPath path, long min = long.MinValue, long max = long.MaxValue)
    {
        var s = ReadString(node, path, "an integer");
        if (s is null) return null;
        if (!ValueParsers.TryParseLong(s, out var v))
        {
            Error(path, $"expected an integer, got \"{s}\"");
            return null;
        }
        if (v < min || v > max)
        {
            Error(path, v < min ? $"must be at least {min}, got {v}" : $"must be at most {max}, got {v}");
            return null;
        }
        return v;
    }

    public int? ReadInt(HoconNode? node, KeyPath path, int min = int.MinValue, int max = int.MaxValue) =>
        (int?)ReadLong(node, path, min, max);

    public TimeSpan? ReadDuration(HoconNode? node, KeyPath path)
    {
        var s = ReadString(node, path, "a duration such as \"30s\"");
        if (s is null) return null;
        if (ValueParsers.TryParseDuration(s, out var t, out var problem)) return t;
        Error(path, problem!);
        return null;
    }

    public long? ReadByteSize(HoconNode? node, KeyPath path)
    {
        var s = ReadString(node, path, "a size such as \"1M\"");
        if (s is null) return null;
        if (ValueParsers.TryParseByteSize(s, out var v, out var problem)) return v;
        Error(path, problem!);
        return null;
    }

    /// <summary>One of a fixed set of words (case-insensitive).</summary>
    public T? ReadChoice<T>(HoconNode? node, KeyPath path, IReadOnlyDictionary<string, T> choices, string what)
        where T : struct
    {
        var s = ReadString(node, path, $"a {what}");
        if (s is null) return null;
        foreach (var (name, value) in choices)
            if (string.Equals(name, s, StringComparison.OrdinalIgnoreCase)) return value;
        Error(path, $"unknown {what} '{s}'{KeySuggester.Hint(s, choices.Keys)}; use one of: {string.Join(", ", choices.Keys)}");
        return null;
    }

    /// <summary>An absolute path for a file or directory named relative to the manifest.</summary>
    public string ResolvePath(string path) =>
        HasNul(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));

    // A path with a NUL is reported by ReportNulCharacters and the load fails; Path.GetFullPath would throw instead.
    private static bool HasNul(string path) => path.Contains('\0');

    /// <summary>
    /// Resolves a directory that may hold placeholders: the part before the first placeholder
    /// is made absolute against the manifest's directory, the rest stays a template. A template
    /// that starts with a placeholder stays relative; rendering resolves it against the manifest's directory.
    /// </summary>
    public string ResolveDirectoryTemplate(string template, string? baseDirectory = null)
    {
        baseDirectory ??= BaseDirectory;
        if (HasNul(template)) return template;
        int at = Placeholders.FirstPlaceholderAt(template);
        if (at < 0) return Path.GetFullPath(Path.Combine(baseDirectory, template));
        if (at == 0 || Path.IsPathRooted(template)) return template;
        int sep = template.LastIndexOfAny(['/', Path.DirectorySeparatorChar], at - 1);
        string dirPart = sep < 0 ? "" : template[..(sep + 1)];
        string rest = sep < 0 ? template : template[(sep + 1)..];
        return Path.Join(Path.GetFullPath(Path.Combine(baseDirectory, dirPart.Length == 0 ? "." : dirPart)), rest);
    }
}
