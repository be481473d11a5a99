using System.Text;

namespace ActorFarm.Manifest;

/// <summary>
/// Finds the line of a key in HOCON source text. Akka's parser keeps no positions, so this
/// is a small scanner of its own: it follows <c>{ }</c> nesting and key names (dotted keys
/// such as <c>a.b = 1</c> and <c>a.b { }</c>, quoted keys), and skips <c>#</c> and <c>//</c>
/// comments, quoted strings with escapes, triple-quoted strings and arrays (a key inside an
/// array is not indexed; a path into an array gives the array key's line). It also notes
/// structural problems Akka's lenient parser lets through: unclosed braces, brackets and strings,
/// nesting deeper than <see cref="ManifestLimits.MaxNestingDepth"/>, and optional substitutions
/// <c>${?x}</c>, which Akka's parser cannot be trusted with (inside a list it never returns).
/// Keys are held as a tree of segments, so memory stays linear in the text whatever its depth.
/// </summary>
internal sealed partial class HoconLineLocator
{
    private const int RootKey = 0;

    // The keys seen, as a tree: node 0 is the root; a node is (parent, segment) with the line of
    // its last definition. A path is never copied or joined, so depth costs no more than breadth.
    private readonly List<(int Parent, string Segment, int Line, int Depth)> _keys = [(-1, "", 0, 0)];
    private readonly Dictionary<(int Parent, string Segment), int> _children = new();
    private readonly List<(int Line, string Message)> _problems = new();
    private readonly List<(int Line, int Key, string Text)> _optional = new();
    private readonly List<int> _commasAfterObjects = new();
    private readonly List<Token> _tokens;
    private bool _truncated;
    private int _pos;

    public HoconLineLocator(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _tokens = Tokenize(text, _problems, out _truncated);
        Parse();
    }

    /// <summary>Unclosed <c>{</c>, <c>[</c> or strings, stray closers and too deep nesting, with their lines.</summary>
    public IReadOnlyList<(int Line, string Message)> Problems => _problems;

    /// <summary>Every optional substitution <c>${?x}</c> outside quotes: its line, the key path
    /// of the value that holds it (segments) and its text.</summary>
    public IReadOnlyList<(int Line, IReadOnlyList<string> KeyPath, string Text)> OptionalSubstitutions =>
        _optional.Select(o => (o.Line, (IReadOnlyList<string>)PathOf(o.Key), o.Text)).ToList();

    /// <summary>Offsets in the text of each comma after an object written <c>key { ... }</c> that
    /// separates it from the next field or ends its object (<c>a { x = 1 }, b = 2</c>,
    /// <c>jobs { p { }, q { } }</c>). Valid HOCON, but Akka's parser refuses it ("Unknown token").</summary>
    public IReadOnlyList<int> CommasAfterObjects => _commasAfterObjects;

    /// <summary>1-based line of the key at <paramref name="keyPath"/> (<c>jobs.work.retry.max-attempts</c>,
    /// <c>jobs."a.b".command[1]</c>), or null when the text has no such key.</summary>
    public int? FindLine(string keyPath) => FindLine(SplitPath(keyPath));

    /// <summary>1-based line of the key with these path segments; <c>[n]</c> segments are ignored.</summary>
    public int? FindLine(IEnumerable<string> segments)
    {
        int key = RootKey;
        foreach (var segment in segments)
        {
            if (segment.StartsWith('[') && segment.EndsWith(']')) continue;
            if (!_children.TryGetValue((key, segment), out key)) return null;
        }
        return key == RootKey ? null : _keys[key].Line;
    }

    private List<string> PathOf(int key)
    {
        var path = new List<string>();
        for (; key > RootKey; key = _keys[key].Parent) path.Add(_keys[key].Segment);
        path.Reverse();
        return path;
    }

    /// <summary>The child key (created when new); its line is set when new or when <paramref name="overwrite"/>.</summary>
    private int Child(int parent, string segment, int line, bool overwrite)
    {
        if (_children.TryGetValue((parent, segment), out var key))
        {
            if (overwrite) _keys[key] = _keys[key] with { Line = line };
            return key;
        }
        key = _keys.Count;
        _keys.Add((parent, segment, line, _keys[parent].Depth + 1));
        _children[(parent, segment)] = key;
        return key;
    }

    private static readonly string TooDeepMessage =
        $"the manifest nests deeper than {ManifestLimits.MaxNestingDepth} levels (objects, lists and dotted key segments count); flatten it";

    private void TooDeep(int line)
    {
        // Reported once, at the first line found too deep (the tokenizer may have seen a later one).
        int reported = _problems.FindIndex(p => p.Message == TooDeepMessage);
        if (reported < 0) _problems.Add((line, TooDeepMessage));
        else if (line < _problems[reported].Line) _problems[reported] = (line, TooDeepMessage);
        _pos = _tokens.Count;
        _truncated = true;
    }

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

    private readonly record struct Token(Kind Kind, string Text, int Line, int Offset);

    private Token? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private void Parse()
    {
        // Each frame is an open object: its key, the line of its '{' (0 for the root), and
        // whether it is written `key { ... }` (no '=' or ':'), the form Akka refuses a comma after.
        var frames = new Stack<(int Key, int Line, bool Keyed)>();
        frames.Push((RootKey, 0, false));
        while (Peek is { } t)
        {
            var (current, _, _) = frames.Peek();
            switch (t.Kind)
            {
                case Kind.Newline or Kind.Comma or Kind.Assign:
                    _pos++;
                    break;
                case Kind.RBrace:
                    if (frames.Count > 1)
                    {
                        if (frames.Pop().Keyed) NoteCommaAfterObject();
                    }
                    else _problems.Add((t.Line, "unexpected '}' (no '{' is open here)"));
                    _pos++;
                    break;
                case Kind.LBrace:
                    frames.Push((current, t.Line, false));
                    _pos++;
                    break;
                case Kind.LBracket:
                    SkipArray(current);
                    break;
                case Kind.RBracket:
                    _problems.Add((t.Line, "unexpected ']' (no '[' is open here)"));
                    _pos++;
                    break;
                default:
                    ReadKey(frames, current);
                    break;
            }
        }
        // Text cut short at too deep a nesting leaves its braces open: that is no second problem.
        while (frames.Count > 1 && !_truncated)
        {
            var (_, line, _) = frames.Pop();
            _problems.Add((line, "'{' opened here is never closed"));
        }
    }

    private void ReadKey(Stack<(int Key, int Line, bool Keyed)> frames, int baseKey)
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
            else NoteSubstitution(k, baseKey);
            _pos++;
            if (_keys[baseKey].Depth + segments.Count > ManifestLimits.MaxNestingDepth)
            {
                TooDeep(k.Line);
                return;
            }
        }
        if (Peek is not { Kind: Kind.Assign or Kind.LBrace } sep || segments.Count == 0) return;

        int full = baseKey;
        for (int k = 0; k < segments.Count; k++)
            full = Child(full, segments[k], first.Line, overwrite: k == segments.Count - 1);

        if (sep.Kind == Kind.LBrace)
        {
            frames.Push((full, sep.Line, true));
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
                    frames.Push((full, v.Line, false));
                    _pos++;
                    return;
                case Kind.LBracket:
                    SkipArray(full);
                    break;
                case Kind.RBracket:
                    _problems.Add((v.Line, "unexpected ']' (no '[' is open here)"));
                    _pos++;
                    break;
                default:
                    NoteSubstitution(v, full);
                    _pos++;
                    break;
            }
        }
    }

    /// <summary>Skips a whole array, objects and nested arrays included, starting at its '['.</summary>
    private void SkipArray(int ownerKey)
    {
        var open = new Stack<Token>();
        while (Peek is { } t)
        {
            _pos++;
            NoteSubstitution(t, ownerKey);
            if (t.Kind is Kind.LBracket or Kind.LBrace)
            {
                open.Push(t);
                if (_keys[ownerKey].Depth + open.Count > ManifestLimits.MaxNestingDepth)
                {
                    TooDeep(t.Line);
                    return;
                }
            }
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
        while (open.Count > 0 && !_truncated)
        {
            var t = open.Pop();
            _problems.Add((t.Line, t.Kind == Kind.LBracket ? "'[' opened here is never closed" : "'{' opened here is never closed"));
        }
    }

    /// <summary>At the '}' of a <c>key { ... }</c>: notes a comma after it when a key, a '}' or the
    /// end follows, i.e. when the comma only separates fields (before '{' it would not be HOCON).
    /// After <c>key = { ... }</c> Akka reads the comma itself, and a space there would not do:
    /// it would run the next field into the value.</summary>
    private void NoteCommaAfterObject()
    {
        int i = NextSignificant(_pos + 1);
        if (i >= _tokens.Count || _tokens[i].Kind != Kind.Comma) return;
        int next = NextSignificant(i + 1);
        if (next >= _tokens.Count || _tokens[next].Kind is Kind.Text or Kind.Quoted or Kind.RBrace)
            _commasAfterObjects.Add(_tokens[i].Offset);
    }

    private int NextSignificant(int i)
    {
        while (i < _tokens.Count && _tokens[i].Kind == Kind.Newline) i++;
        return i;
    }

    private void NoteSubstitution(Token t, int key)
    {
        if (t.Kind == Kind.Subst && t.Text.StartsWith("${?", StringComparison.Ordinal)) _optional.Add((t.Line, key, t.Text));
    }
}
