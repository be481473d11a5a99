using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// The job directory routes jobs by handler: it tells nodes which handler each job needs, and
/// says why a job whose handler no registered node has is waiting.
/// </summary>
public sealed class JobDirectoryTests() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """).WithFallback(TestFarm.TestConfig).WithFallback(FarmConfig.Base()))
{
    [Fact]
    public void A_job_whose_handler_no_node_has_waits_and_says_why_until_such_a_node_registers()
    {
        var directory = Sys.ActorOf(JobDirectory.Props());
        var plain = CreateTestProbe("plain");
        directory.Tell(new RegisterNode(plain.Ref, "plain", 2, ["noop", "sleep"]));
        plain.ExpectMsg<ActiveJobs>();

        var entity = CreateTestProbe("entity");
        directory.Tell(new JobActivated("render-1", "render", 0, "r", "render"), entity.Ref);
        directory.Tell(new JobActivated("shell-1", "shell", 0, "s"), entity.Ref);
        // Each announcement is answered once recorded (the entity stops announcing itself then).
        Assert.Equal(new JobActivationRecorded("render-1", "r"), entity.ExpectMsg<JobActivationRecorded>());
        Assert.Equal(new JobActivationRecorded("shell-1", "s"), entity.ExpectMsg<JobActivationRecorded>());
        // An entity announcing itself again (its answer lost) is answered again, nothing recorded twice.
        directory.Tell(new JobActivated("shell-1", "shell", 0, "s"), entity.Ref);
        Assert.Equal(new JobActivationRecorded("shell-1", "s"), entity.ExpectMsg<JobActivationRecorded>());

        // Nodes hear which handler each job needs.
        var active = plain.FishForMessage<ActiveJobs>(a => a.Jobs.Length == 2);
        Assert.Equal("render", active.Jobs.Single(j => j.JobId == "render-1").Handler);
        Assert.Null(active.Jobs.Single(j => j.JobId == "shell-1").Handler);
        directory.Tell(ListJobs.Instance);
        var listed = ExpectMsg<JobList>().Jobs.ToDictionary(j => j.JobId);
        Assert.Equal("no node has handler 'render'", listed["render-1"].Waiting);
        Assert.Null(listed["shell-1"].Waiting); // process jobs run on every worker node

        var renderer = CreateTestProbe("renderer");
        directory.Tell(new RegisterNode(renderer.Ref, "renderer", 2, ["noop", "render", "sleep"]));
        renderer.ExpectMsg<ActiveJobs>();
        directory.Tell(ListJobs.Instance);
        Assert.All(ExpectMsg<JobList>().Jobs, j => Assert.Null(j.Waiting));

        // The only node that had it leaves: the job waits again.
        Sys.Stop(renderer.Ref);
        AwaitAssert(() =>
        {
            directory.Tell(ListJobs.Instance);
            Assert.Equal("no node has handler 'render'", ExpectMsg<JobList>().Jobs.Single(j => j.JobId == "render-1").Waiting);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_job_whose_tasks_take_more_slots_than_any_node_has_waits_and_says_why_and_its_cpus_are_journaled()
    {
        var directory = Sys.ActorOf(JobDirectory.Props());
        var small = CreateTestProbe("small");
        directory.Tell(new RegisterNode(small.Ref, "small", 4));
        small.ExpectMsg<ActiveJobs>();

        directory.Tell(new JobActivated("wide-1", "wide", 0, "w", Cpus: 8), ActorRefs.Nobody);
        directory.Tell(new JobActivated("fits-1", "fits", 0, "f", Cpus: 4), ActorRefs.Nobody);

        // Nodes hear how many slots each job's tasks take.
        var active = small.FishForMessage<ActiveJobs>(a => a.Jobs.Length == 2);
        Assert.Equal(8, active.Jobs.Single(j => j.JobId == "wide-1").Cpus);
        directory.Tell(ListJobs.Instance);
        var listed = ExpectMsg<JobList>().Jobs.ToDictionary(j => j.JobId);
        Assert.Equal("no node has 8 slots (each task takes cpus = 8; the largest node has 4)", listed["wide-1"].Waiting);
        Assert.Equal(8, listed["wide-1"].Cpus);
        Assert.Null(listed["fits-1"].Waiting);

        var big = CreateTestProbe("big");
        directory.Tell(new RegisterNode(big.Ref, "big", 16));
        big.ExpectMsg<ActiveJobs>();
        directory.Tell(ListJobs.Instance);
        Assert.All(ExpectMsg<JobList>().Jobs, j => Assert.Null(j.Waiting));

        // The directory moves (a new life recovers from the journal) and the big node is gone.
        Watch(directory);
        Sys.Stop(directory);
        ExpectTerminated(directory);
        var recovered = Sys.ActorOf(JobDirectory.Props());
        recovered.Tell(new RegisterNode(small.Ref, "small", 4));
        Assert.Equal(8, small.FishForMessage<ActiveJobs>(a => a.Jobs.Length == 2).Jobs.Single(j => j.JobId == "wide-1").Cpus);
        recovered.Tell(ListJobs.Instance);
        Assert.StartsWith("no node has 8 slots", ExpectMsg<JobList>().Jobs.Single(j => j.JobId == "wide-1").Waiting);
    }

    [Fact]
    public void A_node_that_does_not_list_its_handlers_is_taken_to_run_any()
    {
        var directory = Sys.ActorOf(JobDirectory.Props());
        var node = CreateTestProbe();
        directory.Tell(new RegisterNode(node.Ref, "custom", 2));
        directory.Tell(new JobActivated("render-1", "render", 0, "r", "render"), ActorRefs.Nobody);

        directory.Tell(ListJobs.Instance);

        Assert.Null(ExpectMsg<JobList>().Jobs.Single().Waiting);
    }
}
