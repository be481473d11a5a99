using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// An actor system configured with exactly the checked-in <c>hocon/serialization.hocon</c>
/// (read from disk, so the file itself is under test) and <c>serialize-messages = on</c>, shared
/// by the tests of one class (an xunit class fixture): serializers hold no state between calls,
/// and one system per test case (a hundred of them) was most of this project's run time.
/// </summary>
public sealed class SerializationSystem : IDisposable
{
    public SerializationSystem()
    {
        Sys = ActorSystem.Create("serialization", LoadConfig());
        // A live actor to stand in wherever a message carries a ref: it resolves after a round trip.
        Actor = Sys.ActorOf(Props.Create(() => new Sink()), "sink");
    }

    public ActorSystem Sys { get; }

    public IActorRef Actor { get; }

    public static Config LoadConfig()
    {
        var file = RepositoryRoot.Combine("hocon", "serialization.hocon");
        return ConfigurationFactory.ParseString("""
                akka.actor.serialize-messages = on
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file)));
    }

    /// <summary>
    /// Serializes <paramref name="message"/> the way remoting and persistence do: the serializer
    /// is looked up through the bindings, and the bytes are read back through the identifier and
    /// manifest alone.
    /// </summary>
    public static RoundTripResult RoundTrip(ActorSystem sys, object message)
    {
        var serializer = sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        return new RoundTripResult(serializer, bytes, manifest, back);
    }

    public void Dispose() => Sys.Terminate().Wait(TimeSpan.FromSeconds(10));

    private sealed class Sink : ReceiveActor
    {
        public Sink() => ReceiveAny(_ => { });
    }
}

public sealed record RoundTripResult(AkkaSerializer Serializer, byte[] Bytes, string Manifest, object Value);

/// <summary>Tests of the bound serializers over one <see cref="SerializationSystem"/> per class.</summary>
public abstract class SerializerTestBase(SerializationSystem serialization, ITestOutputHelper? output = null)
    : IClassFixture<SerializationSystem>
{
    /// <summary>Where a test notes what it measured (sizes), shown with the test's result.</summary>
    protected ITestOutputHelper Output => output ?? throw new InvalidOperationException("this test class takes no output helper");

    protected ActorSystem Sys => serialization.Sys;

    /// <summary>A live actor ref for the messages that carry one.</summary>
    protected IActorRef TestActor => serialization.Actor;

    /// <summary>The serializer the bindings choose for wire messages.</summary>
    protected AkkaSerializer WireSerializer => Sys.Serialization.FindSerializerForType(typeof(TasksAvailable));

    /// <summary>The serializer the bindings choose for journal events and snapshots.</summary>
    protected AkkaSerializer JournalSerializer => Sys.Serialization.FindSerializerForType(typeof(JobAccepted));

    /// <inheritdoc cref="SerializationSystem.RoundTrip"/>
    protected RoundTripResult RoundTrip(object message) => SerializationSystem.RoundTrip(Sys, message);

}
