using ActorFarm.Benchmarks.Support;
using ActorFarm.Persistence;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace ActorFarm.Benchmarks.Journal;

/// <summary>
/// The journal's serialization cost: one TaskResultsRecorded event of N results through the
/// real <see cref="JournalEventSerializer"/> (System.Text.Json), both ways. The job entity
/// writes events of up to 2,000 results under load and of 1 when idle.
/// </summary>
public class JournalSerializerBenchmarks
{
    private ActorSystem _system = null!;
    private JournalEventSerializer _serializer = null!;
    private TaskResultsRecorded _event = null!;
    private byte[] _bytes = null!;
    private string _manifest = null!;

    [Params(1, 100, 2000)]
    public int Results { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("journal-bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        _serializer = new JournalEventSerializer((ExtendedActorSystem)_system);
        _event = SampleMessages.ResultsRecorded(Results);
        _bytes = _serializer.ToBinary(_event);
        _manifest = _serializer.Manifest(_event);
        PayloadBytesColumn.Record(nameof(Serialize), $"Results={Results}", _bytes.Length);
        PayloadBytesColumn.Record(nameof(Deserialize), $"Results={Results}", _bytes.Length);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(Description = "TaskResultsRecorded → bytes (JournalEventSerializer)")]
    public byte[] Serialize() => _serializer.ToBinary(_event);

    [Benchmark(Description = "bytes → TaskResultsRecorded (JournalEventSerializer)")]
    public object Deserialize() => _serializer.FromBinary(_bytes, _manifest);
}
