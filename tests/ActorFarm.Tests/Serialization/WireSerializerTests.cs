using System.Runtime.Serialization;
using System.Text;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Serialization;

public class WireSerializerTests(SerializationSystem serialization, ITestOutputHelper output)
    : SerializerTestBase(serialization, output)
{
    public static TheoryData<string> WireLabels() => new(Samples.Wire.Keys);

    [Theory]
    [MemberData(nameof(WireLabels))]
    public void Every_wire_message_round_trips_through_the_bound_hyperion_serializer(string label)
    {
        var message = Samples.Wire[label](TestActor);

        var result = RoundTrip(message);

        Assert.IsType<HyperionWireSerializer>(result.Serializer);
        Assert.Equal(4171, result.Serializer.Identifier);
        Assert.Equal("", result.Manifest);
        DeepEqual.AssertEqual(message, result.Value);
    }

    [Fact]
    public void Every_concrete_wire_message_type_has_a_round_trip_sample()
    {
        var sampled = Samples.Wire.Values.Select(f => f(TestActor).GetType()).ToHashSet();

        var missing = Samples.ConcreteTypes<IWireMessage>().Where(t => !sampled.Contains(t)).Select(t => t.FullName);

        Assert.Empty(missing);
    }

    [Fact]
    public void No_type_is_both_a_wire_message_and_a_journal_event()
    {
        // Both bindings would match it and Akka would pick one arbitrarily.
        Assert.Empty(Samples.ConcreteTypes<IWireMessage>().Intersect(Samples.ConcreteTypes<IJournalEvent>()));
        Assert.Empty(Samples.ConcreteTypes<IJournalEvent>().Intersect(Samples.ConcreteTypes<IWireMessage>()));
    }

    [Fact]
    public void Nobody_stays_nobody()
    {
        var request = (RequestTasks)RoundTrip(new RequestTasks("job-1", ActorRefs.Nobody, "node-a", 4, false)).Value;

        Assert.Same(ActorRefs.Nobody, request.Node);
    }

    [Theory]
    // Messages that carry an actor ref (TaskResults, RequestTasks, …) name the surrogate's type once.
    [InlineData("TaskBatch")]
    [InlineData("ResultsAcknowledged")]
    [InlineData("SubmitJob")]
    [InlineData("ActiveJobs")]
    [InlineData("ResultsPage")]
    public void Known_types_keep_type_names_off_the_wire(string label)
    {
        var result = RoundTrip(Samples.Wire[label](TestActor));

        Assert.DoesNotContain("ActorFarm", Encoding.UTF8.GetString(result.Bytes));
        Output?.WriteLine($"{label}: {result.Bytes.Length} bytes");
    }

    [Fact]
    public void Serializing_a_type_outside_the_allowlist_fails_with_a_serialization_exception_naming_it()
    {
        var serializer = WireSerializer;

        var error = Assert.Throws<SerializationException>(() => serializer.ToBinary(new NotOnTheList("x")));

        Assert.Contains(nameof(NotOnTheList), error.Message);
    }

    [Fact]
    public void Garbage_bytes_fail_with_a_serialization_exception()
    {
        var serializer = WireSerializer;

        Assert.Throws<SerializationException>(() => serializer.FromBinary([0xFF, 0x13, 0x37, 0x00], typeof(TasksAvailable)));
    }

    [Fact]
    public void The_identifiers_in_the_hocon_match_the_serializers()
    {
        var ids = Sys.Settings.Config.GetConfig("akka.actor.serialization-identifiers");

        Assert.Equal(HyperionWireSerializer.SerializerId,
            ids.GetInt("\"ActorFarm.Serialization.HyperionWireSerializer, ActorFarm\""));
        Assert.Equal(JournalEventSerializer.SerializerId,
            ids.GetInt("\"ActorFarm.Persistence.JournalEventSerializer, ActorFarm\""));
        Assert.Equal(HyperionWireSerializer.SerializerId, Assert.IsType<HyperionWireSerializer>(WireSerializer).Identifier);
        Assert.Equal(JournalEventSerializer.SerializerId, Assert.IsType<JournalEventSerializer>(JournalSerializer).Identifier);
    }

    public sealed record NotOnTheList(string Value);
}
