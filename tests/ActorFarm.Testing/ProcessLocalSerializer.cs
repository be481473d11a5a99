using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace ActorFarm.Testing;

/// <summary>
/// For the test suite's <c>serialize-messages = on</c> only: "serializes" third-party messages
/// that an actor sends to itself and that can never cross the wire (Akka.Persistence.Sql's
/// <c>WriteFinished</c>, which carries a Task; the journal's replies, which carry the storage
/// exception of a failed write; the read journal's <c>NewOrderingIds</c>, whose list of ids comes
/// back null) by parking the instance under a key. Without it
/// the verification drops those messages with an error, which real runs never do.
/// </summary>
public sealed class ProcessLocalSerializer(ExtendedActorSystem system) : Serializer(system)
{
    private static readonly ConcurrentDictionary<Guid, object> Parked = new();

    public override int Identifier => 4199;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var key = Guid.NewGuid();
        Parked[key] = obj;
        return key.ToByteArray();
    }

    public override object FromBinary(byte[] bytes, Type? type) =>
        Parked.TryRemove(new Guid(bytes), out var obj) ? obj : throw new System.Runtime.Serialization.SerializationException("not parked here");
}
