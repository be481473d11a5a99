using ActorFarm.Serialization;
using Akka.Actor;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace ActorFarm.Tests.Serialization;

/// <summary>A type the farm never admits, sent by <see cref="WireImpostorSerializer"/> as if it were a wire message.</summary>
public sealed record SmuggledCommand(string Command);

/// <summary>Sent by <see cref="WireImpostorSerializer"/> as exactly these bytes.</summary>
public sealed record RawWireBytes(byte[] Bytes);

/// <summary>Sent under a serializer id the farm does not know (<see cref="UnknownIdSerializer"/>).</summary>
public sealed record UnknownIdMessage(string Text);

/// <summary>
/// A peer's serializer that claims the farm's wire serializer id (4171) but writes with Hyperion
/// without any filter: real wire messages come out exactly as the farm writes them, a
/// <see cref="SmuggledCommand"/> as a well-formed payload naming a type off the allowlist, and
/// <see cref="RawWireBytes"/> as whatever bytes it carries.
/// </summary>
public sealed class WireImpostorSerializer(ExtendedActorSystem system) : AkkaSerializer(system)
{
    public override int Identifier => HyperionWireSerializer.SerializerId;
    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        obj is RawWireBytes raw ? raw.Bytes : UnfilteredHyperion.Craft(obj);

    public override object FromBinary(byte[] bytes, Type? type) =>
        throw new NotSupportedException("the impostor only sends");
}

/// <summary>A serializer id nobody in the farm has.</summary>
public sealed class UnknownIdSerializer(ExtendedActorSystem system) : AkkaSerializer(system)
{
    public const int Id = 917_531;

    public override int Identifier => Id;
    public override bool IncludeManifest => false;
    public override byte[] ToBinary(object obj) => "?"u8.ToArray();
    public override object FromBinary(byte[] bytes, Type? type) => throw new NotSupportedException();
}
