using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// The job directory on a real SQLite journal on a disk that really fills (a small tmpfs taken by
/// a filler file), under the parent that restarts it (<see cref="RestartingSingleton"/>), as
/// FarmActors starts it. A write that fails stops the directory, as it does every persistent
/// actor; it comes back from the journal by itself once it can, serving what it knew, says what
/// failed in one line, and registers the job at the entity's next announcement.
/// </summary>
public sealed class SingletonJournalFailureTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly SmallDisk? _disk;
    private readonly List<string> _warnings = new();

    public SingletonJournalFailureTests() : this(Environment.UserName == "root" ? new SmallDisk("16m") : null)
    {
    }

    private SingletonJournalFailureTests(SmallDisk? disk) : base(ConfigFor(disk))
    {
        _disk = disk;
    }

    private static Config ConfigFor(SmallDisk? disk)
    {
        // Without root (no tmpfs) the test is skipped; the actor system still needs a journal.
        var state = disk?.Path ?? Path.Combine(Path.GetTempPath(), $"actorfarm-singleton-fault-{Guid.NewGuid():N}");
        SqliteJournal.Prepare(state);
        return FarmConfig.Build(new FarmOptions { StateDirectory = state, Config = TestFarm.TestConfig });
    }

    [RootFact]
    public void A_directory_whose_journal_write_fails_comes_back_from_the_journal_and_registers_jobs_again()
    {
        var disk = _disk!;
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var restarts = new RestartingSingleton.RestartSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), Buffer: 100);
        var directory = Sys.ActorOf(RestartingSingleton.Props(JobDirectory.Props(), "job-directory", "job directory", restarts), "directory");

        directory.Tell(new JobActivated("job-a", "a", 0, "life-a"), ActorRefs.Nobody);
        AwaitJobs(directory, ["job-a"]);

        // The disk fills: registering the next job fails, and the directory stops.
        disk.Fill();
        directory.Tell(new JobActivated("job-b", "b", 0, "life-b"), ActorRefs.Nobody);
        var fault = AwaitWarning(warnings, "stops and starts again");
        Assert.Contains("disk full", fault);
        Assert.Contains(SqliteJournal.DatabasePath(disk.Path), fault);

        // With space again it is back from the journal (a full disk may refuse even its recovery,
        // and Akka's circuit breaker refuses calls for a moment after failures): it serves what it
        // knew, and the entity's next announcement registers the job; nodes hear of both.
        disk.Free();
        AwaitWarning(warnings, "the job directory is back");
        AwaitJobs(directory, ["job-a"]);
        directory.Tell(new JobActivated("job-b", "b", 0, "life-b"), ActorRefs.Nobody);
        AwaitJobs(directory, ["job-a", "job-b"]);
        var node = CreateTestProbe();
        directory.Tell(new RegisterNode(node.Ref, "n1", 2), node.Ref);
        Assert.Equal(["job-a", "job-b"], node.ExpectMsg<ActiveJobs>().Jobs.Select(j => j.JobId).Order());

        // One line for the trouble, however many restarts it took.
        while (warnings.ReceiveOne(TimeSpan.FromMilliseconds(300)) is Warning w) _warnings.Add(w.Message.ToString()!);
        Assert.Single(_warnings, m => m.Contains("stops and starts again"));
    }

    /// <summary>Every warning up to the first containing <paramref name="text"/> is kept in <see cref="_warnings"/>.</summary>
    private string AwaitWarning(Akka.TestKit.TestProbe warnings, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (warnings.ReceiveOne(deadline - DateTime.UtcNow) is not Warning warning) break;
            var line = warning.Message.ToString()!;
            _warnings.Add(line);
            if (line.Contains(text)) return line;
        }
        throw new TimeoutException($"no warning containing '{text}'; seen: {string.Join(" | ", _warnings)}");
    }

    private void AwaitJobs(IActorRef directory, string[] expected) => AwaitAssert(() =>
    {
        directory.Tell(ListJobs.Instance, TestActor);
        Assert.Equal(expected, ExpectMsg<JobList>(TimeSpan.FromSeconds(5)).Jobs.Select(j => j.JobId).Order());
    }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

    void IDisposable.Dispose()
    {
        Shutdown();
        _disk?.Dispose();
    }
}
