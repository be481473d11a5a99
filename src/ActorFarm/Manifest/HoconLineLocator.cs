using System.Text;

namespace ActorFarm.Manifest;

/// <summary>
/// Finds the line of a key in HOCON source text. Akka's parser keeps no positions, so this
/// is a small scanner of its own: it follows <c>{ }</c> nesting and key names (dotted keys
/// such as <c>a.b = 1</c> and <c>a.b { }</c>, quoted keys), and skips <c>#</c> and <c>//</c>
/// comments, quoted strings with escapes, triple-quoted strings and arrays (a key inside an
/// array is not indexed; a path into an array gives the array key's line). It also notes
/// structural problems Akka's lenient parser lets through: unclosed braces, brackets and strings.
/// </summary>
public sealed partial class HoconLineLocator
{
    private const char Separator = '\u001f';

    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly List<(int Line, string Message)> _problems = new();
    private readonly List<Token> _tokens;
    private int _pos;

    public HoconLineLocator(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _tokens = Tokenize(text, _problems);
        Parse();
    }

    /// <summary>Unclosed <c>{</c>, <c>[</c> or strings and stray closers, with their lines.</summary>
    public IReadOnlyList<(int Line, string Message)> Problems => _problems;

    /// <summary>1-based line of the key at <paramref name="keyPath"/> (<c>jobs.work.retry.max-attempts</c>,
    /// <c>jobs."a.b".command[1]</c>), or null when the text has no such key.</summary>
    public int? FindLine(string keyPath) => FindLine(SplitPath(keyPath));

    /// <summary>1-based line of the key with these path segments; <c>[n]</c> segments are ignored.</summary>
    public int? FindLine(IEnumerable<string> segments)
    {
        var key = string.Join(Separator, segments.Where(s => !(s.StartsWith('[') && s.EndsWith(']'))));
        return key.Length > 0 && _lines.TryGetValue(key, out var line) ? line : null;
    }

    /// <summary>Convenience: one lookup without keeping the locator.</summary>
    public static int? Find(string text, string keyPath) => new HoconLineLocator(text).FindLine(keyPath);

    /// <summary>Splits a dotted key path into segments, honouring quoted segments and <c>[n]</c> suffixes.</summary>
    public static List<string> SplitPath(string keyPath)
    {
        var segments = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < keyPath.Length; i++)
        {
            char c = keyPath[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < keyPath.Length) sb.Append(keyPath[++i]);
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') { quoted = true; any = true; }
            else if (c == '.') { Flush(); }
            else if (c == '[')
            {
                Flush();
                int close = keyPath.IndexOf(']', i);
                if (close < 0) close = keyPath.Length - 1;
                segments.Add(keyPath[i..(close + 1)]);
                i = close;
            }
            else { sb.Append(c); any = true; }
        }
        Flush();
        return segments;

        void Flush()
        {
            if (any || sb.Length > 0) segments.Add(sb.ToString());
            sb.Clear();
            any = false;
        }
    }

    private enum Kind { Text, Quoted, Subst, LBrace, RBrace, LBracket, RBracket, Comma, Assign, Newline }

    private readonly record struct Token(Kind Kind, string Text, int Line);

    private Token? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private void Parse()
    {
        // Each frame is an open object: its path and the line of its '{' (0 for the root).
        var frames = new Stack<(List<string> Path, int Line)>();
        frames.Push((new List<string>(), 0));
        while (Peek is { } t)
        {
            var (path, _) = frames.Peek();
            switch (t.Kind)
            {
                case Kind.Newline or Kind.Comma or Kind.Assign:
                    _pos++;
                    break;
                case Kind.RBrace:
                    if (frames.Count > 1) frames.Pop();
                    else _problems.Add((t.Line, "unexpected '}' (no '{' is open here)"));
                    _pos++;
                    break;
                case Kind.LBrace:
                    frames.Push((path, t.Line));
                    _pos++;
                    break;
                case Kind.LBracket:
                    SkipArray();
                    break;
                case Kind.RBracket:
                    _problems.Add((t.Line, "unexpected ']' (no '[' is open here)"));
                    _pos++;
                    break;
                default:
                    ReadKey(frames, path);
                    break;
            }
        }
        while (frames.Count > 1)
        {
            var (_, line) = frames.Pop();
            _problems.Add((line, "'{' opened here is never closed"));
        }
    }

    private void ReadKey(Stack<(List<string> Path, int Line)> frames, List<string> basePath)
    {
        var first = _tokens[_pos];
        if (first is { Kind: Kind.Text, Text: "include" } && _pos + 1 < _tokens.Count && _tokens[_pos + 1].Kind is Kind.Quoted or Kind.Text)
        {
            while (Peek is { Kind: not Kind.Newline }) _pos++;
            return;
        }
        var segments = new List<string>();
        while (Peek is { Kind: Kind.Text or Kind.Quoted or Kind.Subst } k && k.Line == first.Line)
        {
            if (k.Kind == Kind.Quoted) segments.Add(k.Text);
            else if (k.Kind == Kind.Text) segments.AddRange(k.Text.Split('.', StringSplitOptions.RemoveEmptyEntries));
            _pos++;
        }
        if (Peek is not { Kind: Kind.Assign or Kind.LBrace } sep || segments.Count == 0) return;

        var full = new List<string>(basePath);
        for (int k = 0; k < segments.Count; k++)
        {
            full.Add(segments[k]);
            var key = string.Join(Separator, full);
            if (k == segments.Count - 1) _lines[key] = first.Line;
            else _lines.TryAdd(key, first.Line);
        }

        if (sep.Kind == Kind.LBrace)
        {
            frames.Push((full, sep.Line));
            _pos++;
            return;
        }
        _pos++; // '=' ':' or '+='
        // The value: scalars, arrays and substitutions until the end of the line, a ',' or a '}'.
        while (Peek is { } v)
        {
            switch (v.Kind)
            {
                case Kind.Newline or Kind.Comma:
                    _pos++;
                    return;
                case Kind.RBrace:
                    return;
                case Kind.LBrace:
                    frames.Push((full, v.Line));
                    _pos++;
                    return;
                case Kind.LBracket:
                    SkipArray();
                    break;
                case Kind.RBracket:
                    _problems.Add((v.Line, "unexpected ']' (no '[' is open here)"));
                    _pos++;
                    break;
                default:
                    _pos++;
                    break;
            }
        }
    }

    /// <summary>Skips a whole array, objects and nested arrays included, starting at its '['.</summary>
    private void SkipArray()
    {
        var open = new Stack<Token>();
        while (Peek is { } t)
        {
            _pos++;
            if (t.Kind is Kind.LBracket or Kind.LBrace) open.Push(t);
            else if (t.Kind is Kind.RBracket or Kind.RBrace)
            {
                var expected = t.Kind == Kind.RBracket ? Kind.LBracket : Kind.LBrace;
                if (open.Count == 0 || open.Peek().Kind != expected)
                {
                    _problems.Add((t.Line, $"unexpected '{t.Text}' inside a list"));
                    continue;
                }
                open.Pop();
                if (open.Count == 0) return;
            }
        }
        while (open.Count > 0)
        {
            var t = open.Pop();
            _problems.Add((t.Line, t.Kind == Kind.LBracket ? "'[' opened here is never closed" : "'{' opened here is never closed"));
        }
    }
}
