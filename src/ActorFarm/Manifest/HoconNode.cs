using Akka.Configuration.Hocon;

namespace ActorFarm.Manifest;

internal enum HoconKind
{
    Null,
    String,
    Array,
    Object,
    Invalid,
}

/// <summary>
/// A plain tree made from Akka's parsed HOCON, ironing out its quirks: substitutions are
/// inlined, the whitespace Akka keeps next to lists and objects is dropped, <c>[ ]</c> has no
/// phantom element, and a self-referencing substitution becomes an error instead of an endless tree.
/// Scalars keep their text (Akka trims it and reads <c>null</c> as null).
/// </summary>
internal sealed class HoconNode
{
    private const int MaxDepth = 48;

    // Akka resolves an undefined optional substitution ${?x} to the enclosing document.
    private const string SelfReference = "a substitution that refers to itself, or an undefined optional substitution ${?...}";

    public static readonly HoconNode Null = new(HoconKind.Null);

    private HoconNode(HoconKind kind) => Kind = kind;

    public HoconKind Kind { get; }

    /// <summary>The text of a string, or the problem of an invalid value.</summary>
    public string? Text { get; private init; }

    public List<HoconNode>? Items { get; private init; }

    public List<KeyValuePair<string, HoconNode>>? Fields { get; private init; }

    public HoconNode? Get(string key)
    {
        if (Fields is null) return null;
        for (int i = Fields.Count - 1; i >= 0; i--)
            if (Fields[i].Key == key) return Fields[i].Value;
        return null;
    }

    public static HoconNode FromAkka(HoconValue? value) => Convert(value, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));

    public static HoconNode Str(string text) => new(HoconKind.String) { Text = text };

    /// <summary>A short description of the value for messages: <c>"abc"</c>, <c>a list</c>, <c>an object</c>.</summary>
    public string Describe() => Kind switch
    {
        HoconKind.String => "\"" + (Text!.Length > 60 ? Text[..57] + "..." : Text) + "\"",
        HoconKind.Array => "a list",
        HoconKind.Object => "an object",
        HoconKind.Null => "null",
        _ => "an invalid value",
    };

    private static HoconNode Invalid(string problem) => new(HoconKind.Invalid) { Text = problem };

    private static HoconNode Convert(HoconValue? value, int depth, HashSet<object> open)
    {
        if (value is null) return Null;
        if (!open.Add(value)) return Invalid(SelfReference);
        try
        {
            return ConvertOpen(value, depth, open);
        }
        finally
        {
            open.Remove(value);
        }
    }

    private static HoconNode ConvertOpen(HoconValue value, int depth, HashSet<object> open)
    {
        if (depth > MaxDepth) return Invalid("the value nests too deeply");

        var elements = new List<IHoconElement>();
        if (!Flatten(value, elements, depth, open)) return Invalid(SelfReference);

        if (elements.Exists(e => e is HoconObject or HoconArray))
            elements.RemoveAll(e => e is HoconLiteral l && string.IsNullOrWhiteSpace(l.Value));
        if (elements.Count == 0) return Null;

        if (elements.TrueForAll(e => e is HoconLiteral))
        {
            var text = string.Concat(elements.Select(e => ((HoconLiteral)e).Value)).Trim();
            return text == "null" ? Null : Str(text);
        }
        if (elements.TrueForAll(e => e is HoconArray))
        {
            var items = new List<HoconNode>();
            foreach (var array in elements.Cast<HoconArray>())
                foreach (var item in array.GetArray())
                    if (item is { IsEmpty: false }) items.Add(Convert(item, depth + 1, open));
            return new HoconNode(HoconKind.Array) { Items = items };
        }
        if (elements.TrueForAll(e => e is HoconObject))
        {
            var fields = new List<KeyValuePair<string, HoconNode>>();
            foreach (var obj in elements.Cast<HoconObject>())
            {
                if (open.Contains(obj)) return Invalid(SelfReference);
                open.Add(obj);
                try
                {
                    foreach (var (key, child) in obj.Items)
                    {
                        fields.RemoveAll(f => f.Key == key);
                        fields.Add(new(key, Convert(child, depth + 1, open)));
                    }
                }
                finally
                {
                    open.Remove(obj);
                }
            }
            return new HoconNode(HoconKind.Object) { Fields = fields };
        }
        return Invalid("a value that mixes lists, objects and strings");
    }

    private static bool Flatten(HoconValue value, List<IHoconElement> into, int depth, HashSet<object> open)
    {
        if (depth > MaxDepth) return false;
        foreach (var e in value.Values)
        {
            if (e is HoconSubstitution sub)
            {
                if (sub.ResolvedValue is not { } resolved) continue;
                if (open.Contains(resolved)) return false;
                if (!Flatten(resolved, into, depth + 1, open)) return false;
            }
            else
            {
                into.Add(e);
            }
        }
        return true;
    }
}
