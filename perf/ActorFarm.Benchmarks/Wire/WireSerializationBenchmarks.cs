using System.Text.Json;
using ActorFarm.Benchmarks.Support;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Serialization;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace ActorFarm.Benchmarks.Wire;

/// <summary>
/// Wire serialization of the two messages that carry every task across processes: a TaskBatch
/// of leases (job → node) and a TaskResults batch (node → job), through the project's
/// <see cref="HyperionWireSerializer"/> against System.Text.Json with the journal's options.
/// Time per message; the "Payload bytes" column gives the size.
/// </summary>
public class WireSerializationBenchmarks
{
    private ActorSystem _system = null!;
    private HyperionWireSerializer _hyperion = null!;
    private TaskBatch _batch = null!;
    private TaskBatch _firstBatch = null!;
    private TaskResults _results = null!;
    private byte[] _batchHyperion = null!, _batchJson = null!, _resultsHyperion = null!, _resultsJson = null!;

    /// <summary>Tasks per message: ~130 leases for a 2-slot node with deep prefetch; 512 results is a full result batch.</summary>
    [Params(130, 512)]
    public int Tasks { get; set; }

    private JsonSerializerOptions _json = null!;

    private JsonSerializerOptions Json => _json;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("wire-bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        _hyperion = new HyperionWireSerializer((ExtendedActorSystem)_system);
        _json = new JsonSerializerOptions(JournalEventSerializer.JsonOptions) { Converters = { new ActorRefAsPathConverter(_system) } };
        var node = _system.DeadLetters;
        _batch = new TaskBatch("work-0a1b2c3d", "2f6c1e0a9b7d4c3e", null, SampleMessages.Leases(Tasks, 10_000), Exhausted: false);
        _firstBatch = _batch with { Spec = SampleMessages.ProcessJob() };
        _results = new TaskResults("work-0a1b2c3d", node, "node-1:4053", 17, SampleMessages.Results(Tasks, 10_000));
        _batchHyperion = _hyperion.ToBinary(_batch);
        _batchJson = JsonSerializer.SerializeToUtf8Bytes(_batch, Json);
        _resultsHyperion = _hyperion.ToBinary(_results);
        _resultsJson = JsonSerializer.SerializeToUtf8Bytes(_results, Json);

        var p = $"Tasks={Tasks}";
        PayloadBytesColumn.Record(nameof(TaskBatchHyperion), p, _batchHyperion.Length);
        PayloadBytesColumn.Record(nameof(TaskBatchJson), p, _batchJson.Length);
        PayloadBytesColumn.Record(nameof(TaskBatchWithSpecHyperion), p, _hyperion.ToBinary(_firstBatch).Length);
        PayloadBytesColumn.Record(nameof(TaskBatchWithSpecJson), p, JsonSerializer.SerializeToUtf8Bytes(_firstBatch, Json).Length);
        PayloadBytesColumn.Record(nameof(TaskResultsHyperion), p, _resultsHyperion.Length);
        PayloadBytesColumn.Record(nameof(TaskResultsJson), p, _resultsJson.Length);
        PayloadBytesColumn.Record(nameof(TaskResultsFromBytesHyperion), p, _resultsHyperion.Length);
        PayloadBytesColumn.Record(nameof(TaskResultsFromBytesJson), p, _resultsJson.Length);
        PayloadBytesColumn.Record(nameof(TaskBatchFromBytesHyperion), p, _batchHyperion.Length);
        PayloadBytesColumn.Record(nameof(TaskBatchFromBytesJson), p, _batchJson.Length);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(Description = "TaskBatch → bytes, Hyperion")]
    public byte[] TaskBatchHyperion() => _hyperion.ToBinary(_batch);

    [Benchmark(Description = "TaskBatch → bytes, System.Text.Json")]
    public byte[] TaskBatchJson() => JsonSerializer.SerializeToUtf8Bytes(_batch, Json);

    [Benchmark(Description = "first TaskBatch (with spec) → bytes, Hyperion")]
    public byte[] TaskBatchWithSpecHyperion() => _hyperion.ToBinary(_firstBatch);

    [Benchmark(Description = "first TaskBatch (with spec) → bytes, System.Text.Json")]
    public byte[] TaskBatchWithSpecJson() => JsonSerializer.SerializeToUtf8Bytes(_firstBatch, Json);

    [Benchmark(Description = "TaskResults → bytes, Hyperion")]
    public byte[] TaskResultsHyperion() => _hyperion.ToBinary(_results);

    [Benchmark(Description = "TaskResults → bytes, System.Text.Json")]
    public byte[] TaskResultsJson() => JsonSerializer.SerializeToUtf8Bytes(_results, Json);

    [Benchmark(Description = "TaskResults bytes → message, Hyperion")]
    public object TaskResultsFromBytesHyperion() => _hyperion.FromBinary(_resultsHyperion, typeof(TaskResults));

    [Benchmark(Description = "TaskResults bytes → message, System.Text.Json")]
    public object? TaskResultsFromBytesJson() => JsonSerializer.Deserialize<TaskResults>(_resultsJson, Json);

    [Benchmark(Description = "TaskBatch bytes → message, Hyperion")]
    public object TaskBatchFromBytesHyperion() => _hyperion.FromBinary(_batchHyperion, typeof(TaskBatch));

    [Benchmark(Description = "TaskBatch bytes → message, System.Text.Json")]
    public object? TaskBatchFromBytesJson() => JsonSerializer.Deserialize<TaskBatch>(_batchJson, Json);
}
