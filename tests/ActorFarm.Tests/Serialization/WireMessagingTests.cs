using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Wire messages between live actors under <c>serialize-messages = on</c>: refs that come back
/// from the wire still reach their actors. A TestKit per test (probes, ExpectMsg), unlike the
/// round trips of <see cref="WireSerializerTests"/>.
/// </summary>
public sealed class WireMessagingTests() : Akka.TestKit.Xunit2.TestKit(SerializationSystem.LoadConfig(), "serialization")
{
    [Fact]
    public void An_actor_ref_survives_a_round_trip_and_can_be_messaged()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "echo");

        var reattach = (ReattachLeases)RoundTrip(new ReattachLeases("job-1", "3f2a9c1b7d4e", probe.Ref, "node-a", []));
        var request = (RequestTasks)RoundTrip(new RequestTasks("job-1", echo, "node-a", 4, false));

        Assert.Equal(probe.Ref, reattach.Node);
        Assert.Equal(echo.Path, request.Node.Path);
        reattach.Node.Tell("hello");
        probe.ExpectMsg("hello");
        request.Node.Tell("ping", probe.Ref);
        probe.ExpectMsg("ping");
    }

    [Fact]
    public void Messages_sent_between_actors_go_through_the_serializer_and_keep_working_refs()
    {
        // serialize-messages = on: delivery itself serializes RegisterNode (with our surrogate
        // for the Node ref) and deserializes it before the directory stand-in sees it.
        Assert.True(Sys.Settings.SerializeAllMessages);
        var directory = Sys.ActorOf(Props.Create(() => new DirectoryStandIn()), "directory");

        directory.Tell(new RegisterNode(TestActor, "node-a", 2));

        var jobs = ExpectMsg<ActiveJobs>();
        Assert.Equal("node-a", jobs.Jobs.Single().Name);
    }

    private object RoundTrip(object message) => SerializationSystem.RoundTrip(Sys, message).Value;

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }

    private sealed class DirectoryStandIn : ReceiveActor
    {
        public DirectoryStandIn() =>
            Receive<RegisterNode>(register => register.Node.Tell(new ActiveJobs([new ActiveJob("job-1", register.NodeName, 1, "")])));
    }
}
