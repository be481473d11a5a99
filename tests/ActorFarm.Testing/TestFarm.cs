using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Configuration;

namespace ActorFarm.Testing;

/// <summary>
/// An embedded farm for a test: real cluster of one, real SQLite journal in a temp directory,
/// and every message serialized as if it crossed the wire (serialize-messages = on).
/// </summary>
public sealed class TestFarm : IAsyncDisposable
{
    public static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.serializers.process-local = "ActorFarm.Testing.ProcessLocalSerializer, ActorFarm.Testing"
        akka.actor.serialization-bindings {
          "Akka.Persistence.Sql.Journal.Types.WriteFinished, Akka.Persistence.Sql" = process-local
          # The journal's replies to its writers carry the storage exception when a write fails.
          "Akka.Persistence.Journal.AsyncWriteJournal+Desequenced, Akka.Persistence" = process-local
          # The read journal's poller sends itself the ordering ids it read as an IImmutableList,
          # which a serializer round trip turns into null: it then failed and restarted in a loop,
          # hundreds of errors a second, for as long as a farm that had read its results ran.
          "Akka.Persistence.Sql.Query.InternalProtocol.NewOrderingIds, Akka.Persistence.Sql" = process-local
        }
        akka.loglevel = WARNING
        # The first journal write costs 1-2 s, more when the whole suite runs beside it.
        akka.test.single-expect-default = 15s
        
        """);

    private readonly TempDirectory _state;

    private TestFarm(FarmHost host, TempDirectory state)
    {
        Host = host;
        _state = state;
    }

    public FarmHost Host { get; }

    public FarmClient Client => Host.Client;

    public string StateDirectory => _state.Path;

    public static async Task<TestFarm> StartAsync(int slots = 2, Func<FarmOptions, FarmOptions>? configure = null, TempDirectory? state = null)
    {
        state ??= new TempDirectory("actorfarm-state");
        var options = new FarmOptions { StateDirectory = state.Path, Slots = slots, NodeName = "test", Config = TestConfig };
        if (configure is not null) options = configure(options);
        return new TestFarm(await FarmHost.StartAsync(options), state);
    }

    /// <summary>Submits the job and waits for its final status (the results file is written by then).</summary>
    public async Task<JobStatusReport> RunAsync(JobSpec spec, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var submitted = await Client.SubmitAsync(spec, cancellationToken: cts.Token);
        JobStatusReport? last = null;
        await foreach (var status in Client.WatchAsync(submitted.JobId, cancellationToken: cts.Token))
            last = status;
        return last ?? throw new InvalidOperationException("the watch ended without a status");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _state.Dispose();
    }
}
