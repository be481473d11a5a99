using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Tests.Support;
using Akka.Configuration;
using Xunit.Abstractions;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// An actor system configured with exactly the checked-in <c>hocon/serialization.hocon</c>
/// (read from disk, so the file itself is under test) and <c>serialize-messages = on</c>, so
/// every message the tests send really goes through the bound serializer.
/// </summary>
public abstract class SerializationTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected SerializationTestKit(ITestOutputHelper? output = null)
        : base(LoadConfig(), "serialization", output)
    {
    }

    public static Config LoadConfig()
    {
        var file = RepositoryRoot.Combine("hocon", "serialization.hocon");
        return ConfigurationFactory.ParseString("""
                akka.actor.serialize-messages = on
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file)));
    }

    /// <summary>The serializer the bindings choose for wire messages.</summary>
    protected AkkaSerializer WireSerializer => Sys.Serialization.FindSerializerForType(typeof(TasksAvailable));

    /// <summary>The serializer the bindings choose for journal events and snapshots.</summary>
    protected AkkaSerializer JournalSerializer => Sys.Serialization.FindSerializerForType(typeof(JobAccepted));

    /// <summary>
    /// Serializes <paramref name="message"/> the way remoting and persistence do: the serializer
    /// is looked up through the bindings, and the bytes are read back through the identifier and
    /// manifest alone.
    /// </summary>
    protected RoundTripResult RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        return new RoundTripResult(serializer, bytes, manifest, back);
    }

    protected sealed record RoundTripResult(AkkaSerializer Serializer, byte[] Bytes, string Manifest, object Value);
}
