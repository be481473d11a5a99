using ActorFarm.Benchmarks.Support;
using ActorFarm.Hosting;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Benchmarks.Journal;

/// <summary>
/// A journal batch write end to end: a persistent actor on a temp SQLite file configured
/// exactly as the embedded farm's (WAL, parallelism 1, parameters on multi-row insert),
/// persisting TaskResultsRecorded events of N results one after the other. Reported per event;
/// divide by N for the cost per result.
/// </summary>
public class JournalWriteBenchmarks
{
    private const int EventsPerInvoke = 20;

    private string _directory = null!;
    private ActorSystem _system = null!;
    private IActorRef _writer = null!;

    [Params(1, 100, 2000)]
    public int Results { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("actorfarm-journal-bench-").FullName;
        SqliteJournal.Prepare(_directory);
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = local
                akka.loglevel = WARNING
                """)
            .WithFallback(FarmConfig.Build(new FarmOptions { StateDirectory = _directory }));
        _system = ActorSystem.Create("journal-write-bench", config);
        _writer = _system.ActorOf(Props.Create<ResultsWriterActor>(), "writer");
        Write(1); // the first write creates the tables and warms linq2db up
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke, Description = "PersistAsync of one TaskResultsRecorded on SQLite, per event")]
    public void PersistResultEvents() => Write(EventsPerInvoke);

    private void Write(int events)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writer.Tell(new ResultsWriterActor.Write(SampleMessages.ResultsRecorded(Results), events, done));
        if (!done.Task.Wait(TimeSpan.FromMinutes(1)))
            throw new TimeoutException("the journal did not confirm the writes");
    }
}
