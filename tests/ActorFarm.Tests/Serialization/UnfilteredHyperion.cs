using ActorFarm.Serialization;
using Akka.Actor;
using Hyperion;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Payloads as an attacker (or a peer with a broken build) would write them: a plain Hyperion
/// serializer without any filter or deny list, but knowing our known-types table (it is no
/// secret), so a payload is well-formed up to whatever it smuggles.
/// </summary>
public static class UnfilteredHyperion
{
    private static readonly Hyperion.Serializer Plain = new(new SerializerOptions(
        versionTolerance: false, preserveObjectReferences: false,
        surrogates: [Surrogate.Create<IActorRef, ActorRefSurrogate>(ActorRefSurrogate.From, _ => ActorRefs.Nobody)],
        serializerFactories: null, knownTypes: WireTypeAllowlist.KnownTypes, ignoreISerializable: true,
        packageNameOverrides: null, disallowUnsafeTypes: false, typeFilter: DisabledTypeFilter.Instance));

    public static byte[] Craft(object value)
    {
        using var stream = new MemoryStream();
        Plain.Serialize(value, stream);
        return stream.ToArray();
    }
}
