using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// What the tests of the job entity on its own share: a real SQLite journal in a state directory
/// of the test's, an output directory, a probe standing in for the job directory and one for a
/// node, and the entity started and followed to its end.
/// </summary>
public abstract class JobEntityTestKit : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    protected static readonly DateTimeOffset At = DateTimeOffset.UtcNow;
    private readonly TempDirectory _state;
    protected readonly TempDirectory _output;
    private protected readonly JobEntitySettings _settings;
    protected readonly TestProbe _directory;
    protected readonly TestProbe _node;

    protected JobEntityTestKit(string prefix, TimeSpan reattachGrace) : this(new TempDirectory(prefix), prefix, reattachGrace)
    {
    }

    private JobEntityTestKit(TempDirectory state, string prefix, TimeSpan reattachGrace) : base(ConfigFor(state))
    {
        _state = state;
        _output = new TempDirectory(prefix + "-out");
        _settings = JobEntitySettings.From(Sys.Settings.Config) with { ReattachGrace = reattachGrace };
        _directory = CreateTestProbe("directory");
        // Answers as the real directory does, so a job announces itself once (JobEntityTests has
        // one that is not answered).
        _directory.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is JobActivated activated) sender.Tell(new JobActivationRecorded(activated.JobId, activated.Incarnation));
            return AutoPilot.KeepRunning;
        }));
        _node = CreateTestProbe("node");
    }

    private static Config ConfigFor(TempDirectory state)
    {
        SqliteJournal.Prepare(state.Path);
        return FarmConfig.Build(new FarmOptions { StateDirectory = state.Path, Config = TestFarm.TestConfig });
    }

    /// <summary>
    /// Starts the job's entity; each start of the same job (a recovery) under a name of its own:
    /// a stopped actor's name is freed only after its Terminated went out, so a restart right
    /// after it could find the name still taken.
    /// </summary>
    protected IActorRef Start(string jobId)
    {
        var life = _lives.TryGetValue(jobId, out var n) ? n + 1 : 1;
        _lives[jobId] = life;
        return Sys.ActorOf(JobEntity.Props(jobId, _settings, _directory.Ref), life == 1 ? jobId : $"{jobId}-life{life}");
    }

    private readonly Dictionary<string, int> _lives = new();

    /// <summary>Asks for the job's status until it has ended and its results file is written.</summary>
    protected JobStatusReport AwaitSettled(IActorRef entity, string jobId)
    {
        JobStatusReport? status = null;
        AwaitCondition(() =>
        {
            entity.Tell(new GetJobStatus(jobId), TestActor);
            status = ExpectMsg<JobStatusReport>();
            return status.IsSettled;
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
        return status!;
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _state.Dispose();
        _output.Dispose();
    }
}
