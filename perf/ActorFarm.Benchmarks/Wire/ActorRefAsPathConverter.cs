using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;

namespace ActorFarm.Benchmarks.Wire;

/// <summary>
/// For the JSON side of the comparison only: an actor ref written as its path, which is what the
/// Hyperion side's surrogate carries, so both serialize the same information.
/// </summary>
internal sealed class ActorRefAsPathConverter(ActorSystem system) : JsonConverter<IActorRef>
{
    public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ((ExtendedActorSystem)system).Provider.ResolveActorRef(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
}
