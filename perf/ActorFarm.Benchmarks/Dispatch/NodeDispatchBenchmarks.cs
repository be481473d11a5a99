using ActorFarm.Benchmarks.Support;
using ActorFarm.Hosting;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace ActorFarm.Benchmarks.Dispatch;

/// <summary>
/// The node side of the dispatch path in a real ActorSystem: NodeSupervisor → Worker (noop
/// handler through the real TaskExecutor and TaskRenderer) → WorkerFinished → batched
/// TaskResults, with the farm's own configuration (prefetch, batch size, flush interval).
/// The job is played by <see cref="CountingJobActor"/>, so this is the node's cost per task
/// without the coordinator and the journal. Reported per task.
/// </summary>
public class NodeDispatchBenchmarks
{
    private const int Tasks = 50_000;

    private ActorSystem _system = null!;
    private IActorRef _node = null!;
    private IActorRef _job = null!;
    private int _round;

    [Params(2, 16)]
    public int Slots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = local
                akka.loglevel = WARNING
                """)
            .WithFallback(FarmConfig.Base());
        _system = ActorSystem.Create("node-bench", config);
        var settings = NodeSettings.From(_system.Settings.Config, "bench", Slots);
        var directory = _system.ActorOf(Props.Create<SilentDirectoryActor>(), "directory");
        _job = _system.ActorOf(Props.Create<CountingJobActor>(), "jobs");
        _node = _system.ActorOf(NodeSupervisor.Props(settings, directory, _job, new TaskExecutor(TaskHandlerRegistry.CreateDefault())), "node");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(OperationsPerInvoke = Tasks, Description = "node: request → worker → noop → batched result, per task")]
    public void NodeSupervisorWorkerResult()
    {
        var jobId = $"noop-{++_round:x8}";
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _job.Tell(new CountingJobActor.Round(jobId, SampleMessages.NoopJob(Tasks), Tasks, done));
        _node.Tell(new ActiveJobs([new ActiveJob(jobId, "noop", 0, CountingJobActor.Incarnation)]));
        if (!done.Task.Wait(TimeSpan.FromMinutes(1)))
            throw new TimeoutException("the node did not return every result");
    }
}
