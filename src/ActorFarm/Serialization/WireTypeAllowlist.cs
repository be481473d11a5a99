using System.Collections;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using ActorFarm.Protocol;
using Akka.Actor;
using Hyperion;

namespace ActorFarm.Serialization;

/// <summary>
/// The only types the Hyperion wire serializer will ever load. A deserializer that instantiates
/// whatever type name arrives on the wire is a remote-code-execution gadget waiting to happen
/// (<c>System.Diagnostics.Process</c>, <c>System.IO.FileInfo</c>, ...), so every type name in a
/// payload is checked against this list <em>before</em> Hyperion resolves it.
/// </summary>
/// <remarks>
/// The list is derived once per process from what the protocol can carry, so a new message
/// record is admitted without touching this file, and nothing else is: every concrete type
/// implementing <see cref="IWireMessage"/> (public or internal), then every type reachable from
/// their fields (records, structs and enums of this assembly, the concrete subtypes of an abstract
/// record a field declares, arrays, nullables, dictionaries, nested records), the
/// <see cref="ActorRefSurrogate"/> that an <see cref="Akka.Actor.IActorRef"/> field travels as,
/// and a fixed set of BCL types. Whether a type is public decides nothing. A reachable type
/// carrying behaviour (a plain class, an exception, a disposable, a delegate, a type with a
/// finalizer) or a BCL type outside the fixed set is not admitted: a half-initialised instance of
/// such a type is what gadget chains are made of. Such a field makes its message fail to
/// serialize, and the allowlist tests fail first (every reachable type must be admitted). The
/// order is stable because the wire serializer also uses the list as Hyperion's known-types
/// table (<see cref="KnownTypes"/>), which must be identical on every node.
/// </remarks>
internal static class WireTypeAllowlist
{
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
        var farmAssembly = typeof(IWireMessage).Assembly;
        var farmTypes = farmAssembly.GetTypes();
        var bcl = BclTypes.ToHashSet();
        var admitted = new HashSet<Type>(BclTypes) { typeof(ActorRefSurrogate) };
        var visited = new HashSet<Type>();
        var pending = new Stack<Type>(farmTypes
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IWireMessage).IsAssignableFrom(t))
            .OrderByDescending(t => t.AssemblyQualifiedName, StringComparer.Ordinal));
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!visited.Add(type) || type == typeof(IActorRef))
                continue;
            if (type.IsArray)
            {
                var element = Nullable.GetUnderlyingType(type.GetElementType()!) ?? type.GetElementType()!;
                pending.Push(element);
                // An array of an abstract record (SweepAxis[]) is admitted: its elements are
                // instances of the concrete subtypes, which are checked on their own.
                if (bcl.Contains(element) || (element.Assembly == farmAssembly && IsPlainData(element)))
                    admitted.Add(type);
            }
            else if (type.Assembly != farmAssembly)
            {
                // BCL types: only the fixed list; a generic one (a dictionary) carries its arguments.
                if (bcl.Contains(type) && type.IsGenericType)
                    foreach (var argument in type.GetGenericArguments())
                        pending.Push(argument);
            }
            else if (type.IsAbstract || type.IsInterface)
            {
                foreach (var concrete in farmTypes.Where(t => t is { IsAbstract: false, IsInterface: false } && type.IsAssignableFrom(t)))
                    pending.Push(concrete);
            }
            else if (IsPlainData(type))
            {
                admitted.Add(type);
                foreach (var field in FieldTypes(type))
                    pending.Push(field);
            }
        }

        return admitted
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
