using ActorFarm.Coordinator;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// An ended job is started again with every start of its farm (remembered entities). Its results
/// file is written again from the journal only when the one on disk is not this end's whole file:
/// missing, last written before the job ended (left by the end before a rerun), or not one whole
/// line per result (a write the kill of its process cut).
/// </summary>
public sealed class JobEntityRestartExportTests() : JobEntityTestKit("actorfarm-restart-export", TimeSpan.FromMilliseconds(300))
{
    // Three whole lines, as many as the job has results: what its end wrote, as far as a restart can tell.
    private const string KeptByTheRestart = "{\"kept\":1}\n{\"kept\":2}\n{\"kept\":3}\n";

    [Fact]
    public void A_restarted_ended_job_keeps_the_results_file_its_end_wrote()
    {
        var (jobId, file, ended) = FinishAndStop("keep");
        File.WriteAllText(file, KeptByTheRestart);
        Assert.True(File.GetLastWriteTimeUtc(file) >= ended.UtcDateTime);

        var status = AwaitSettled(Start(jobId), jobId);

        Assert.Equal((JobPhase.Finished, file), (status.Phase, status.ResultsFile));
        Assert.Equal(KeptByTheRestart, File.ReadAllText(file));
    }

    [Fact]
    public void A_restarted_ended_job_writes_its_results_again_when_the_file_is_gone_or_older_than_its_end()
    {
        var (jobId, file, ended) = FinishAndStop("rewrite");
        File.Delete(file);
        var entity = Start(jobId);
        Assert.Equal(3, ResultsFile.Read(AwaitSettled(entity, jobId).ResultsFile!).Count);
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);

        // What an end before a rerun left: written before this end.
        File.WriteAllText(file, KeptByTheRestart);
        File.SetLastWriteTimeUtc(file, ended.UtcDateTime - TimeSpan.FromMinutes(5));
        AwaitSettled(Start(jobId), jobId);
        Assert.Equal([0L, 1L, 2L], ResultsFile.Read(file).Select(r => r.Index()).Order());
    }

    [Fact]
    public void A_restarted_ended_job_writes_its_results_again_when_the_file_lacks_rows_or_ends_in_a_cut_row()
    {
        var (jobId, file, _) = FinishAndStop("torn");
        foreach (var torn in new[] { "{\"kept\":1}\n{\"kept\":2}\n", "{\"kept\":1}\n{\"kept\":2}\n{\"kept\":3}\n{\"ke" })
        {
            File.WriteAllText(file, torn);
            var entity = Start(jobId);
            AwaitSettled(entity, jobId);
            Assert.Equal([0L, 1L, 2L], ResultsFile.Read(file).Select(r => r.Index()).Order());
            Watch(entity);
            entity.Tell(PoisonPill.Instance);
            ExpectTerminated(entity);
        }
    }

    /// <summary>Runs a 3-task job to its end (results file written), then stops its entity.</summary>
    private (string JobId, string File, DateTimeOffset Ended) FinishAndStop(string name)
    {
        var spec = Specs.Handler(name, "noop", 3, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 3, NeedSpec: true), _node.Ref);
        var leases = _node.ExpectMsg<TaskBatch>().Leases;
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1,
            leases.Select(l => new TaskResult(l.Index, 1, TaskOutcome.Succeeded, 0, At, At)).ToArray()), _node.Ref);
        var status = AwaitSettled(entity, jobId);
        Assert.Equal(3, ResultsFile.Read(status.ResultsFile!).Count);
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        return (jobId, status.ResultsFile!, status.EndedAt!.Value);
    }
}
