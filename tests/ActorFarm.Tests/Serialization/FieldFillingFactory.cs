using System.Collections;
using System.Reflection;
using Akka.Actor;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Builds instances of ActorFarm's data records by reflection, every field filled: a field added
/// to a message or to <c>JobSpec</c> tomorrow is filled (and so checked by the round-trip tests)
/// without anyone writing a sample for it. Each <em>variant</em> picks different values, so that
/// over all variants every enum field takes every value, every bool both values, every abstract
/// field every concrete subtype and every nullable both null and a value: a serializer that drops
/// a field holding its type's default (0, false, the first enum member) is caught as surely as one
/// that drops a field holding anything else.
/// </summary>
public sealed class FieldFillingFactory(IActorRef actorRef)
{
    private static readonly Assembly Farm = typeof(ActorFarm.Protocol.IWireMessage).Assembly;
    private static readonly DateTimeOffset Epoch = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Enough variants for every member of the largest enum the records use to appear.</summary>
    public static int VariantsFor(Type root)
    {
        var enums = new HashSet<Type>();
        var abstracts = 1;
        Walk(root, new HashSet<Type>(), t =>
        {
            if (t.IsEnum) enums.Add(t);
            if (t.IsAbstract && t.Assembly == Farm) abstracts = Math.Max(abstracts, ConcreteSubtypes(t).Count);
        });
        return Math.Max(3, Math.Max(abstracts, enums.Count == 0 ? 0 : enums.Max(e => Enum.GetValues(e).Length)));
    }

    public object Create(Type type, int variant) => Value(type, variant, type.Name)!;

    private object? Value(Type type, int variant, string path)
    {
        var seed = (StableHash(path) & 0x7FFF) + 1 + variant * 101;
        if (Nullable.GetUnderlyingType(type) is { } inner)
            // Every third variant holds null; the others a value.
            return variant % 3 == 2 ? null : Value(inner, variant, path);
        if (type == typeof(string)) return $"{path}#{variant} ünï $(x) \"q\"";
        if (type == typeof(bool)) return variant % 2 == 0;
        // A digit 1-9: any run of them is a JSON number, so a byte[] is a valid payload whether
        // its record says JSON or raw bytes.
        if (type == typeof(byte)) return (byte)('1' + seed % 9);
        if (type == typeof(int)) return seed;
        if (type == typeof(long)) return (long)seed * 1_000_003;
        if (type == typeof(double)) return seed + 0.25;
        if (type == typeof(ulong)) return (ulong)seed << 33 | 1;
        if (type == typeof(TimeSpan)) return TimeSpan.FromMilliseconds(seed * 7);
        if (type == typeof(DateTimeOffset)) return Epoch.AddTicks(seed * 10_000_019L);
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(variant % values.Length);
        }
        if (typeof(IActorRef).IsAssignableFrom(type)) return actorRef;
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, 2);
            for (var i = 0; i < 2; i++) array.SetValue(Value(element, variant + i, $"{path}[{i}]"), i);
            return array;
        }
        if (type == typeof(Dictionary<string, string>))
            return new Dictionary<string, string> { [$"{path}.a{variant}"] = $"x{seed}", [$"{path}.B_{variant}"] = "ünïcødé" };
        if (type.Assembly != Farm)
            throw new NotSupportedException($"{path}: no value for {type.FullName}; teach {nameof(FieldFillingFactory)} this type.");
        if (type.IsAbstract)
        {
            var subtypes = ConcreteSubtypes(type);
            return Value(subtypes[variant % subtypes.Count], variant, path);
        }
        return Record(type, variant, path);
    }

    /// <summary>
    /// The constructor with the most parameters (a positional record's primary one, or the
    /// parameterless one of an init-only record), then every settable property it did not take.
    /// </summary>
    private object Record(Type type, int variant, string path)
    {
        var constructor = type.GetConstructors()
            .Where(c => !c.GetParameters().Any(p => p.ParameterType == type)) // not the copy constructor
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        var parameters = constructor?.GetParameters() ?? [];
        var arguments = parameters.Select(p => Value(p.ParameterType, variant, $"{path}.{p.Name}")).ToArray();
        var instance = constructor is null ? Activator.CreateInstance(type)! : constructor.Invoke(arguments);
        var taken = parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.SetMethod is not { IsPublic: true } || taken.Contains(property.Name)) continue;
            property.SetValue(instance, Value(property.PropertyType, variant, $"{path}.{property.Name}"));
        }
        return instance;
    }

    /// <summary>The stored state of <paramref name="type"/>: its instance fields, base types' included (what Hyperion writes).</summary>
    public static IEnumerable<FieldInfo> StateFields(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                yield return field;
    }

    public static IReadOnlyList<Type> ConcreteSubtypes(Type type) =>
        Farm.GetTypes().Where(t => !t.IsAbstract && type.IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    /// <summary>Every type reachable from <paramref name="root"/> through fields, arrays, nullables and subtypes.</summary>
    public static void Walk(Type root, HashSet<Type> seen, Action<Type> visit)
    {
        var type = Nullable.GetUnderlyingType(root) ?? root;
        if (!seen.Add(type)) return;
        visit(type);
        if (type.IsArray) Walk(type.GetElementType()!, seen, visit);
        if (type.Assembly != Farm || type.IsEnum) return;
        if (type.IsAbstract)
            foreach (var subtype in ConcreteSubtypes(type)) Walk(subtype, seen, visit);
        foreach (var field in StateFields(type)) Walk(field.FieldType, seen, visit);
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}

/// <summary>
/// Compares two object graphs field by field (the stored state, not the public surface), so that a
/// field without a public property is compared too. Arrays and dictionaries by content, actor refs
/// by path, times by ticks and offset.
/// </summary>
public static class FieldComparer
{
    public static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        if (expected is IActorRef expectedRef && actual is IActorRef actualRef)
            // The receiver holds a remote ref to the sender's actor: the path must match, less the address.
            return expectedRef.Path.ToStringWithoutAddress() == actualRef.Path.ToStringWithoutAddress()
                ? null : $"{path}: expected ref {expectedRef}, got {actualRef}";
        if (expected.GetType() != actual.GetType())
            return $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}";
        switch (expected)
        {
            case DateTimeOffset e:
                var a = (DateTimeOffset)actual;
                return e.UtcTicks == a.UtcTicks && e.Offset == a.Offset ? null : $"{path}: expected {e:O}, got {a:O}";
            case string or TimeSpan or Enum or bool or byte or int or long or double or ulong:
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            case IDictionary e:
                var d = (IDictionary)actual;
                if (e.Count != d.Count) return $"{path}: expected {e.Count} entries, got {d.Count}";
                foreach (DictionaryEntry entry in e)
                {
                    if (!d.Contains(entry.Key)) return $"{path}: key {Show(entry.Key)} is missing";
                    if (Difference(entry.Value, d[entry.Key], $"{path}[{Show(entry.Key)}]") is { } inEntry) return inEntry;
                }
                return null;
            case Array e:
                var other = (Array)actual;
                if (e.Length != other.Length) return $"{path}: expected {e.Length} elements, got {other.Length}";
                for (var i = 0; i < e.Length; i++)
                    if (Difference(e.GetValue(i), other.GetValue(i), $"{path}[{i}]") is { } inElement) return inElement;
                return null;
        }
        foreach (var field in FieldFillingFactory.StateFields(expected.GetType()))
        {
            var name = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;
            if (Difference(field.GetValue(expected), field.GetValue(actual), $"{path}.{name}") is { } inField) return inField;
        }
        return null;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
