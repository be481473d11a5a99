using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Two actor systems with the farm's configuration on 127.0.0.1, talking over real remoting.
/// The sending one has had its wire serializer replaced by an impostor with the same id, so it
/// can put on the wire what the farm never would: a type off the allowlist in a well-formed
/// payload, garbage, a forged 2 GB length, records nested 200,000 deep, and a serializer id the
/// farm does not know. The receiving farm logs a warning for each, drops it, keeps the
/// association, and delivers the valid message sent after them.
/// </summary>
public sealed class WireRemotingHardeningTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public WireRemotingHardeningTests(ITestOutputHelper output)
        : base(FarmSystemConfig(ConfigurationFactory.Empty), "actorfarm", output)
    {
    }

    [Fact]
    public async Task Bad_payloads_from_a_peer_are_dropped_with_a_warning_and_the_association_keeps_delivering()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var lifecycle = CreateTestProbe();
        Sys.EventStream.Subscribe(lifecycle.Ref, typeof(DisassociatedEvent));
        Sys.EventStream.Subscribe(lifecycle.Ref, typeof(AssociationErrorEvent));
        var inbox = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Forwarder(inbox.Ref)), "inbox");

        var attacker = ActorSystem.Create("attacker", FarmSystemConfig(ConfigurationFactory.ParseString("""
            akka.actor {
              serializers {
                hyperion-wire = "ActorFarm.Tests.Serialization.WireImpostorSerializer, ActorFarm.Tests"
                unknown-id = "ActorFarm.Tests.Serialization.UnknownIdSerializer, ActorFarm.Tests"
              }
              serialization-bindings {
                "ActorFarm.Tests.Serialization.SmuggledCommand, ActorFarm.Tests" = hyperion-wire
                "ActorFarm.Tests.Serialization.RawWireBytes, ActorFarm.Tests" = hyperion-wire
                "ActorFarm.Tests.Serialization.UnknownIdMessage, ActorFarm.Tests" = unknown-id
              }
            }
            """)));
        try
        {
            var address = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
            var target = await attacker.ActorSelection(new RootActorPath(address) / "user" / "inbox").ResolveOne(Patience);

            // A valid message first: the association is up and the impostor writes what we read.
            target.Tell(new TasksAvailable("before"));
            inbox.ExpectMsg<TasksAvailable>(m => m.JobId == "before", Patience);

            var random = new Random(4171);
            var garbage = new byte[4096];
            random.NextBytes(garbage);
            var valid = UnfilteredHyperion.Craft(new TasksAvailable("job-1"));
            byte[] lengthBomb = [.. valid[..3], 255, .. BitConverter.GetBytes(2_000_000_000), .. "job-1"u8];
            (object Message, string Says)[] bad =
            [
                (new SmuggledCommand("rm -rf /"), "allowlist"),
                (new RawWireBytes(garbage), "Hyperion could not deserialize"),
                (new RawWireBytes(valid[..^2]), "Hyperion could not deserialize"),
                (new RawWireBytes(lengthBomb), "Hyperion could not deserialize"),
                (new RawWireBytes(NestedSweeps(200_000)), "nests deeper"),
                (new UnknownIdMessage("?"), UnknownIdSerializer.Id.ToString()),
            ];
            foreach (var (message, _) in bad)
                target.Tell(message);
            target.Tell(new TasksAvailable("after"));

            // Each is logged as a warning, in the order sent; then the valid one arrives.
            foreach (var (message, says) in bad)
            {
                var warning = warnings.FishForMessage<Warning>(w => w.ToString()!.Contains("Deserialization failed"), Patience);
                Output?.WriteLine(Truncate(warning.ToString()!));
                Assert.True(warning.ToString()!.Contains(says), $"{message.GetType().Name}: expected '{says}' in {Truncate(warning.ToString()!)}");
                // One cause, not one per nesting level: a bad payload cannot flood the log.
                Assert.True(warning.ToString()!.Length < 8192, $"{message.GetType().Name}: a {warning.ToString()!.Length:N0}-character warning");
            }
            inbox.ExpectMsg<TasksAvailable>(m => m.JobId == "after", Patience);
            Assert.False(lifecycle.HasMessages, "the association was dropped");
            Assert.False(Sys.WhenTerminated.IsCompleted);
        }
        finally
        {
            await attacker.Terminate();
        }
    }

    /// <summary>A payload of sweeps spliced into sweep axis arrays, <paramref name="depth"/> deep.</summary>
    private static byte[] NestedSweeps(int depth)
    {
        var marker = UnfilteredHyperion.Craft(new ListAxis { Name = "MARK", Values = [] });
        var sweep = UnfilteredHyperion.Craft(new SweepSpec { Axes = [new ListAxis { Name = "MARK", Values = [] }] });
        var at = sweep.AsSpan().IndexOf(marker);
        using var forged = new MemoryStream();
        for (var i = 0; i < depth; i++) forged.Write(sweep, 0, at);
        forged.Write(marker);
        for (var i = 0; i < depth; i++) forged.Write(sweep, at + marker.Length, sweep.Length - at - marker.Length);
        return forged.ToArray();
    }

    private static Config FarmSystemConfig(Config overrides) =>
        overrides
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.loggers = ["Akka.Event.DefaultLogger"]
                akka.actor.serialize-messages = off
                """))
            .WithFallback(FarmConfig.Build(new FarmOptions { StateDirectory = "/nonexistent" }));

    private static string Truncate(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(message => to.Forward(message));
    }
}
