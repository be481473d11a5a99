using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// The job entity on a real SQLite journal on a disk that really fills (a small tmpfs taken by a
/// filler file), driven message by message by a probe standing in for a node. A journal that
/// fails pauses the job: nothing is leased, results are held and not acknowledged (the node keeps
/// them), the status says what failed and where; once the space is back the held results are
/// journaled once, acknowledged, and leasing goes on without handing out any task again.
/// </summary>
public sealed class JournalFailureTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;
    private readonly SmallDisk? _disk;
    private readonly TempDirectory _output = new("actorfarm-journal-fault-out");
    private readonly JobEntitySettings _settings;
    private readonly TestProbe _directory;
    private readonly TestProbe _node;

    public JournalFailureTests() : this(Environment.UserName == "root" ? new SmallDisk("16m") : null)
    {
    }

    private JournalFailureTests(SmallDisk? disk) : base(ConfigFor(disk))
    {
        _disk = disk;
        _settings = JobEntitySettings.From(Sys.Settings.Config) with
        {
            ReattachGrace = TimeSpan.Zero,
            JournalRetryMinBackoff = TimeSpan.FromMilliseconds(100),
            JournalRetryMaxBackoff = TimeSpan.FromMilliseconds(300),
            JournalGiveUpAfter = TimeSpan.FromSeconds(2),
        };
        _directory = CreateTestProbe("directory");
        _node = CreateTestProbe("node");
    }

    private static Config ConfigFor(SmallDisk? disk)
    {
        // Without root (no tmpfs) the tests are skipped; the actor system still needs a journal.
        var state = disk?.Path ?? Path.Combine(Path.GetTempPath(), $"actorfarm-journal-fault-{Guid.NewGuid():N}");
        SqliteJournal.Prepare(state);
        return FarmConfig.Build(new FarmOptions { StateDirectory = state, Config = TestFarm.TestConfig });
    }

    [RootFact]
    public void A_full_disk_pauses_the_job_holds_its_results_and_resumes_without_running_anything_twice()
    {
        var disk = _disk!;
        var spec = Specs.Handler("full", "noop", 8, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Sys.ActorOf(JobEntity.Props(jobId, _settings, _directory.Ref), jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>(s => !s.Resumed);

        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 4, NeedSpec: true), _node.Ref);
        Assert.Equal([0L, 1L, 2L, 3L], _node.ExpectMsg<TaskBatch>().Leases.Select(l => l.Index));
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0)]), _node.Ref);
        Assert.Equal(1, _node.ExpectMsg<ResultsAcknowledged>().UpToBatchId);

        // The disk fills: the next write fails, the job pauses and says why.
        disk.Fill();
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Succeeded(1), Succeeded(2)]), _node.Ref);
        var paused = AwaitStatus(entity, jobId, s => s.Fault is not null);
        Assert.Contains("disk full", paused.Fault);
        Assert.Contains(SqliteJournal.DatabasePath(disk.Path), paused.Fault);
        Assert.Equal(JobPhase.Running, paused.Phase);
        Assert.Equal(3, paused.Done); // counted, though not yet journaled

        // Paused: results are not acknowledged (the node keeps them) and nothing is leased.
        _node.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 4, NeedSpec: false), _node.Ref);
        var refused = _node.ExpectMsg<TaskBatch>();
        Assert.Empty(refused.Leases);
        Assert.True(refused.Exhausted);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 3, [Succeeded(3)]), _node.Ref);

        // Past the limit the job is halted: a waiting client stops waiting (IsSettled).
        var halted = AwaitStatus(entity, jobId, s => s.Halted);
        Assert.True(halted.IsSettled);

        // Space comes back: the held results are journaled once and acknowledged, and the node is
        // woken for the rest, which never includes a task handed out before.
        disk.Free();
        var acks = new List<long>();
        TasksAvailable? woken = null;
        _node.FishForMessage(m =>
        {
            if (m is ResultsAcknowledged ack) acks.Add(ack.UpToBatchId);
            if (m is TasksAvailable available) woken = available;
            return acks.Contains(3) && woken is not null;
        }, TimeSpan.FromSeconds(15));
        var resumed = AwaitStatus(entity, jobId, s => s.Fault is null);
        Assert.False(resumed.Halted);

        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        var rest = _node.ExpectMsg<TaskBatch>();
        Assert.Equal([4L, 5L, 6L, 7L], rest.Leases.Select(l => l.Index));
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 4, rest.Leases.Select(l => Succeeded(l.Index)).ToArray()), _node.Ref);

        var settled = AwaitStatus(entity, jobId, s => s.IsSettled && s.HasEnded);
        Assert.Equal(8, settled.Succeeded);
        var rows = ResultsFile.Read(settled.ResultsFile!);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        var journaled = JournalPeek.RecordedIndices(SqliteJournal.DatabasePath(disk.Path));
        Assert.Equal(8, journaled.Count);
    }

    [RootFact]
    public void A_job_submitted_to_a_full_journal_is_refused_with_the_cause()
    {
        var disk = _disk!;
        var spec = Specs.Handler("refused", "noop", 3, _output.Path);
        var jobId = JobIds.For(spec);
        // The journal is open (recovered) before the disk fills, as in a farm that runs for a while.
        var entity = Sys.ActorOf(JobEntity.Props(jobId, _settings, _directory.Ref), jobId);
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(JobPhase.Unknown, ExpectMsg<JobStatusReport>().Phase);

        disk.Fill();
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        var refused = ExpectMsg<JobSubmitted>();
        Assert.Equal(JobPhase.Unknown, refused.Status.Phase);
        Assert.Contains("disk full", refused.Status.Fault);
        _directory.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // never activated

        // With space again, the same submission is accepted.
        disk.Free();
        AwaitAssert(() =>
        {
            entity.Tell(new SubmitJob(jobId, spec), TestActor);
            Assert.Equal(JobPhase.Running, ExpectMsg<JobSubmitted>().Status.Phase);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(300));
    }

    private JobStatusReport AwaitStatus(IActorRef entity, string jobId, Func<JobStatusReport, bool> condition)
    {
        JobStatusReport? status = null;
        AwaitCondition(() =>
        {
            entity.Tell(new GetJobStatus(jobId), TestActor);
            status = ExpectMsg<JobStatusReport>();
            return condition(status);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
        return status!;
    }

    private static TaskResult Succeeded(long index) => new(index, 1, TaskOutcome.Succeeded, 0, At, At);

    void IDisposable.Dispose()
    {
        Shutdown();
        _output.Dispose();
        _disk?.Dispose();
    }
}
