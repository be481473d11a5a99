using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using PubSubSend = Akka.Cluster.Tools.PublishSubscribe.Send;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Every field of every wire message (a <see cref="JobSpec"/> and all its nested records
/// included) crosses every hop it really takes, between actor systems configured exactly as the
/// farm's processes are: node ↔ coordinator, client → farm inside ClusterClient's pub-sub
/// envelope, farm → client, and the journal. Values come from <see cref="FieldFillingFactory"/>,
/// so a field added later is covered without a new sample.
/// </summary>
public sealed class WireFieldCoverageTests(WireFieldCoverageTests.Systems systems) : IClassFixture<WireFieldCoverageTests.Systems>
{
    public static TheoryData<string, string> WireTypesAndHops()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in Samples.ConcreteTypes<IWireMessage>())
            foreach (var hop in new[] { "node-coordinator", "client-farm", "farm-client" })
                data.Add(type.FullName!, hop);
        return data;
    }

    public static TheoryData<string> JournalTypes() => new(Samples.ConcreteTypes<IJournalEvent>().Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(WireTypesAndHops))]
    public void Every_field_of_a_wire_message_survives_each_hop(string typeName, string hop)
    {
        var type = typeof(IWireMessage).Assembly.GetType(typeName)!;
        for (var variant = 0; variant < FieldFillingFactory.VariantsFor(type); variant++)
        {
            var (sender, receiver) = hop switch
            {
                "node-coordinator" => (systems.Node, systems.Coordinator),
                "client-farm" => (systems.Client, systems.Coordinator),
                _ => (systems.Coordinator, systems.Client),
            };
            var message = new FieldFillingFactory(systems.RefIn(sender)).Create(type, variant);

            var back = hop == "client-farm"
                ? ((PubSubSend)RoundTrip(new PubSubSend("/user/farm-gateway", message), sender, receiver)).Message
                : RoundTrip(message, sender, receiver);

            if (FieldComparer.Difference(message, back, $"{type.Name}#{variant}") is { } difference)
                Assert.Fail($"{hop}: {difference}");
        }
    }

    [Theory]
    [MemberData(nameof(JournalTypes))]
    public void Every_field_of_a_journal_event_survives_the_journal(string typeName)
    {
        var type = typeof(IWireMessage).Assembly.GetType(typeName)!;
        for (var variant = 0; variant < FieldFillingFactory.VariantsFor(type); variant++)
        {
            var journalEvent = new FieldFillingFactory(ActorRefs.Nobody).Create(type, variant);

            var back = RoundTrip(journalEvent, systems.Coordinator, systems.Coordinator);

            if (FieldComparer.Difference(journalEvent, back, $"{type.Name}#{variant}") is { } difference)
                Assert.Fail(difference);
        }
    }

    [Fact]
    public void The_variants_give_every_field_of_a_job_spec_at_least_two_values()
    {
        // Whatever a field's default is, some variant then holds something else: a field that a
        // serializer resets to its default cannot pass the round trips above by luck.
        var values = new Dictionary<string, HashSet<string>>();
        var factory = new FieldFillingFactory(ActorRefs.Nobody);
        for (var variant = 0; variant < FieldFillingFactory.VariantsFor(typeof(JobSpec)); variant++)
            CollectLeaves(factory.Create(typeof(JobSpec), variant), "spec", values);

        var constant = values.Where(v => v.Value.Count < 2).Select(v => v.Key).ToList();

        Assert.True(constant.Count == 0, "always the same value: " + string.Join(", ", constant));
        // And the walk saw the fields this step is about.
        Assert.Contains("spec.Output.Capture", values.Keys);
        Assert.Equal(Enum.GetValues<OutputCapture>().Length, values["spec.Output.Capture"].Count);
    }

    [Fact]
    public void No_message_a_client_or_node_sends_falls_back_to_akkas_json_serializer()
    {
        var factory = new FieldFillingFactory(ActorRefs.Nobody);
        foreach (var type in Samples.ConcreteTypes<IWireMessage>())
        {
            var message = factory.Create(type, 0);
            foreach (var (name, system) in new[] { ("client", systems.Client), ("farm", systems.Coordinator) })
            {
                foreach (var carried in new[] { message, new PubSubSend("/user/farm-gateway", message) })
                    Assert.False(system.Serialization.FindSerializerFor(carried) is Akka.Serialization.NewtonSoftJsonSerializer,
                        $"{name}: {carried.GetType().Name} carrying {type.Name} would go through the fallback JSON serializer");
            }
        }
    }

    private static object RoundTrip(object message, ActorSystem sender, ActorSystem receiver)
    {
        var serializer = sender.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return receiver.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    private static void CollectLeaves(object? value, string path, Dictionary<string, HashSet<string>> into)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value is Enum or TimeSpan or DateTimeOffset)
        {
            if (!into.TryGetValue(path, out var set)) into[path] = set = new HashSet<string>();
            set.Add(value?.ToString() ?? "null");
            return;
        }
        if (value is System.Collections.IDictionary dictionary)
        {
            CollectLeaves(string.Join(",", dictionary.Keys.Cast<object>()), path + ".keys", into);
            return;
        }
        if (value is Array array)
        {
            foreach (var element in array) CollectLeaves(element, path + "[]", into);
            return;
        }
        foreach (var field in FieldFillingFactory.StateFields(value.GetType()))
        {
            var name = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;
            // Sweep axes are of several kinds: one path per kind, so fields of one kind are not
            // mixed up with another's.
            var prefix = value.GetType().BaseType is { IsAbstract: true } ? $"{path}<{value.GetType().Name}>" : path;
            CollectLeaves(field.GetValue(value), $"{prefix}.{name}", into);
        }
    }

    /// <summary>
    /// Three actor systems configured as the farm's processes are (a coordinator and a worker node
    /// from <see cref="FarmConfig.Build"/>, a client from <see cref="FarmConfig.BuildClient"/>),
    /// each with its own serializer instances; none joins a cluster.
    /// </summary>
    public sealed class Systems : IAsyncLifetime
    {
        private readonly Dictionary<ActorSystem, IActorRef> _refs = new();

        public ActorSystem Coordinator { get; private set; } = null!;
        public ActorSystem Node { get; private set; } = null!;
        public ActorSystem Client { get; private set; } = null!;

        public IActorRef RefIn(ActorSystem system) => _refs[system];

        public Task InitializeAsync()
        {
            var quiet = ConfigurationFactory.ParseString("akka.loglevel = WARNING");
            Coordinator = ActorSystem.Create("actorfarm", quiet.WithFallback(FarmConfig.Build(new FarmOptions { StateDirectory = "/nonexistent" })));
            Node = ActorSystem.Create("actorfarm", quiet.WithFallback(FarmConfig.Build(new FarmOptions { StateDirectory = "/nonexistent", Roles = [FarmOptions.WorkerRole] })));
            Client = ActorSystem.Create("actorfarm-client", quiet.WithFallback(FarmConfig.BuildClient(new FarmConnectionOptions { Contacts = ["127.0.0.1:1"] })));
            foreach (var system in new[] { Coordinator, Node, Client })
                _refs[system] = system.ActorOf(Props.Empty, "probe");
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            await Task.WhenAll(Coordinator.Terminate(), Node.Terminate(), Client.Terminate());
        }
    }
}
