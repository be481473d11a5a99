using System.Collections;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using ActorFarm.Protocol;
using Hyperion;

namespace ActorFarm.Serialization;

/// <summary>
/// The only types the Hyperion wire serializer will ever load. A deserializer that instantiates
/// whatever type name arrives on the wire is a remote-code-execution gadget waiting to happen
/// (<c>System.Diagnostics.Process</c>, <c>System.IO.FileInfo</c>, ...), so every type name in a
/// payload is checked against this list <em>before</em> Hyperion resolves it.
/// </summary>
/// <remarks>
/// The list is discovered by reflection once per process, so a new message record is admitted
/// without touching this file: every public, concrete data type (record, struct or enum) of the
/// ActorFarm namespaces that hold wire data (<see cref="DataNamespaces"/>, plus any namespace
/// holding an <see cref="IWireMessage"/>), the arrays their fields use, the <see cref="ActorRefSurrogate"/>,
/// and a fixed set of BCL types. Plain classes in those namespaces (actors, parsers, caches) are
/// not admitted, nor is anything carrying behaviour (exceptions, disposables, delegates, types
/// with finalizers): a half-initialised instance of such a type is what gadget chains are made
/// of. The order is stable because the wire serializer also uses the list as Hyperion's
/// known-types table (<see cref="KnownTypes"/>), which must be identical on every node.
/// </remarks>
public static class WireTypeAllowlist
{
    private static readonly string[] DataNamespaces = ["ActorFarm.Protocol", "ActorFarm.Manifest", "ActorFarm.Persistence"];

    /// <summary>
    /// BCL types the records use. Hyperion writes most of these without a type name (they have
    /// their own one-byte manifests); they are listed so nested values (boxed nullables, arrays,
    /// dictionaries) resolve, and so the list documents everything the wire can carry.
    /// Add a type here only when a record really uses it.
    /// </summary>
    private static readonly Type[] BclTypes =
    [
        typeof(string), typeof(bool), typeof(char), typeof(byte), typeof(sbyte),
        typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
        typeof(float), typeof(double), typeof(decimal),
        typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid),
        // JobSpec.Environment and CommandSpec.HandlerArgs; Hyperion writes dictionary entries
        // as DictionaryEntry values, whose keys and values are again checked here.
        typeof(Dictionary<string, string>), typeof(DictionaryEntry),
    ];

    private static readonly Type[] Types = Discover();
    private static readonly FrozenSet<Type> TypeSet = Types.ToFrozenSet();

    /// <summary>Every type the wire serializer admits, in a stable order.</summary>
    public static IReadOnlyCollection<Type> AllowedTypes { get; } = Array.AsReadOnly(Types);

    /// <summary>
    /// Hyperion's known-types table: written as a two-byte index instead of a type name, so it
    /// must be the same list in the same order on every node (same ActorFarm build). The
    /// surrogate is left out: Hyperion reads a known type with the serializer it writes it with,
    /// which would skip turning the surrogate back into an actor ref. Every type comes after the
    /// types its fields use: Hyperion 0.12.2 compiles a record's serializer with the serializers
    /// of its fields, and an array or dictionary serializer only writes the known-type index
    /// once it has been built on its own first.
    /// </summary>
    public static IReadOnlyList<Type> KnownTypes { get; } = DependenciesFirst(Types.Where(t => t != typeof(ActorRefSurrogate)));

    /// <summary>The Hyperion filter admitting exactly <see cref="AllowedTypes"/>.</summary>
    public static ITypeFilter Filter { get; } = new AllowlistFilter(Types);

    /// <summary>Whether <paramref name="type"/> may cross the wire.</summary>
    public static bool IsAllowed(Type type) => TypeSet.Contains(type);

    private static Type[] Discover()
    {
        var exported = typeof(IWireMessage).Assembly.GetExportedTypes();
        var namespaces = DataNamespaces.ToHashSet(StringComparer.Ordinal);
        foreach (var type in exported)
        {
            if (type is { IsAbstract: false, IsInterface: false, Namespace: { } ns } && typeof(IWireMessage).IsAssignableFrom(type))
                namespaces.Add(ns);
        }

        var farmTypes = exported
            .Where(t => t.Namespace is { } ns && namespaces.Contains(ns) && IsPlainData(t))
            .ToList();
        var concrete = farmTypes.Where(t => !t.IsAbstract).Append(typeof(ActorRefSurrogate));
        // Only the array types the records really use (SweepAxis[] included: an abstract
        // record is never an instance, but arrays of it are).
        var elements = farmTypes.Concat(BclTypes).ToHashSet();
        var arrays = farmTypes.SelectMany(FieldTypes).Where(t => t.IsArray && elements.Contains(t.GetElementType()!));

        return concrete.Concat(BclTypes).Concat(arrays)
            .Distinct()
            .OrderBy(t => t.AssemblyQualifiedName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>A depth-first post-order over field types, roots in ordinal name order: deterministic.</summary>
    private static Type[] DependenciesFirst(IEnumerable<Type> types)
    {
        var known = types.ToHashSet();
        var ordered = new List<Type>(known.Count);
        var visited = new HashSet<Type>();
        foreach (var type in known.OrderBy(t => t.AssemblyQualifiedName, StringComparer.Ordinal))
            Visit(type);
        return [.. ordered];

        void Visit(Type type)
        {
            if (!known.Contains(type) || !visited.Add(type))
                return;
            foreach (var dependency in FieldTypes(type).OrderBy(t => t.AssemblyQualifiedName, StringComparer.Ordinal))
                Visit(dependency);
            ordered.Add(type);
        }
    }

    /// <summary>The types a serializer for <paramref name="type"/> needs (BCL internals are not followed).</summary>
    private static IEnumerable<Type> FieldTypes(Type type)
    {
        if (type.IsArray)
            return [type.GetElementType()!];
        if (type.IsGenericType)
            return type.GetGenericArguments();
        if (type.Assembly != typeof(IWireMessage).Assembly)
            return [];
        return type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(f => Nullable.GetUnderlyingType(f.FieldType) ?? f.FieldType)
            .Distinct();
    }

    /// <summary>True for records, structs and enums that hold data only.</summary>
    private static bool IsPlainData(Type type)
    {
        if (type.IsInterface || type.IsGenericTypeDefinition || type.ContainsGenericParameters)
            return false;
        // Record classes have a compiler-generated "<Clone>$"; other classes (actors, parsers,
        // caches, exceptions, delegates) are behaviour, not data.
        if (!type.IsValueType && type.GetMethod("<Clone>$", BindingFlags.Instance | BindingFlags.Public) is null)
            return false;
        // Dispose and finalizers would run on an instance built from attacker-chosen field values.
        if (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type))
            return false;
        return type.IsValueType
            || type.GetMethod("Finalize", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is null;
    }

    /// <summary>
    /// Hyperion asks about two spellings of a type name: the short assembly-qualified name it
    /// writes into payloads (no version, <c>%core%</c> for the core library) when reading, and
    /// the full <see cref="Type.AssemblyQualifiedName"/> of the root object when writing.
    /// Hyperion's own <see cref="Hyperion.TypeFilter"/> knows only the first, so it refuses every
    /// serialization; this filter accepts exactly both spellings of the allowed types (no
    /// normalisation of incoming names, hence nothing to trick). The short names come from
    /// <see cref="TypeFilterBuilder"/> so they match Hyperion's format by construction.
    /// </summary>
    private sealed class AllowlistFilter : ITypeFilter
    {
        private readonly ImmutableHashSet<string> _shortNames;
        private readonly FrozenSet<string> _fullNames;

        public AllowlistFilter(IEnumerable<Type> types)
        {
            var builder = TypeFilterBuilder.Create();
            var fullNames = new List<string>();
            foreach (var type in types)
            {
                builder.Include(type);
                fullNames.Add(type.AssemblyQualifiedName!);
            }
            _shortNames = builder.Build().FilteredTypes;
            _fullNames = fullNames.ToFrozenSet(StringComparer.Ordinal);
        }

        public bool IsAllowed(string typeName) => _shortNames.Contains(typeName) || _fullNames.Contains(typeName);
    }
}
