using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// A node supervisor with real workers and real tasks, its job and directory played by test
/// probes: what the node tests share.
/// </summary>
public abstract class NodeTestKit() : Akka.TestKit.Xunit2.TestKit(LocalSystemConfig)
{
    /// <summary>
    /// The farm's configuration in a local actor system: a node's actors use no cluster, and a
    /// system without remoting starts and stops in a fraction of the time, once per test.
    /// </summary>
    internal static readonly Config LocalSystemConfig = ConfigurationFactory.ParseString("akka.actor.provider = local")
        .WithFallback(TestFarm.TestConfig).WithFallback(FarmConfig.Base());

    /// <summary>A one-slot node named n1 (unless <paramref name="configure"/> says otherwise), registered.</summary>
    private protected (TestProbe Directory, TestProbe Jobs, IActorRef Node) StartNode(Func<NodeSettings, NodeSettings>? configure = null)
    {
        var directory = CreateTestProbe("directory");
        var jobs = CreateTestProbe("jobs");
        var settings = NodeSettings.From(Sys.Settings.Config, "n1", slotsOverride: 1);
        var node = Sys.ActorOf(NodeSupervisor.Props(configure?.Invoke(settings) ?? settings, directory.Ref, jobs.Ref,
            new TaskExecutor(TaskHandlerRegistry.CreateDefault())));
        directory.ExpectMsg<RegisterNode>();
        return (directory, jobs, node);
    }

    private protected static JobSpec ShellJob(string name, string script, int tasks, string output) =>
        Specs.Process(name, ["/bin/sh", "-c", script, "task", "${index}"], [new IntRangeAxis { Name = "i", From = 0, To = tasks - 1 }], output,
            capture: OutputCapture.None);

    /// <summary>The next <paramref name="count"/> results the node sends, acknowledging each batch as the job would.</summary>
    private protected static TaskResult[] ResultsOf(TestProbe jobs, IActorRef node, int count)
    {
        var results = new List<TaskResult>();
        while (results.Count < count)
        {
            var batch = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(20));
            results.AddRange(batch.Results);
            node.Tell(new ResultsAcknowledged(batch.JobId, batch.BatchId), jobs.Ref);
        }
        return [.. results];
    }

}
