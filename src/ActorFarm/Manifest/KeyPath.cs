using System.Text;

namespace ActorFarm.Manifest;

/// <summary>An immutable path to a manifest key; array positions are segments like <c>[2]</c>.</summary>
internal sealed class KeyPath
{
    public static readonly KeyPath Root = new(null, "");

    private readonly KeyPath? _parent;

    private KeyPath(KeyPath? parent, string segment)
    {
        _parent = parent;
        Segment = segment;
    }

    public string Segment { get; }

    public bool IsRoot => _parent is null;

    public KeyPath Child(string key) => new(this, key);

    public KeyPath At(int index) => new(this, "[" + index + "]");

    /// <summary>The path of these segments from the root.</summary>
    public static KeyPath Of(IEnumerable<string> segments)
    {
        var path = Root;
        foreach (var segment in segments) path = path.Child(segment);
        return path;
    }

    /// <summary>Segments from the root, the root excluded.</summary>
    public List<string> Segments()
    {
        var list = new List<string>();
        for (var p = this; p is { IsRoot: false }; p = p._parent) list.Add(p.Segment);
        list.Reverse();
        return list;
    }

    public KeyPath? Parent => _parent;

    /// <summary>HOCON-style text: segments joined with dots, quoted when they hold dots, spaces or quotes.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var s in Segments())
        {
            if (s.StartsWith('['))
            {
                sb.Append(s);
                continue;
            }
            if (sb.Length > 0) sb.Append('.');
            if (s.Length == 0 || s.AsSpan().IndexOfAny(". \t\"[]{}") >= 0) sb.Append('"').Append(s.Replace("\"", "\\\"")).Append('"');
            else sb.Append(s);
        }
        return sb.ToString();
    }
}
