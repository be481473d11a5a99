using System.Text.Json;
using ActorFarm.Examples.Handlers;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Hosting;

namespace ActorFarm.Examples.Service;

/// <summary>
/// The service's own actor: submits the study, follows it to its end, reads the typed results
/// back and prints the pooled estimate, then stops the service. It never blocks: every call to
/// the farm is a task piped back to itself, and each step of the study is a named behaviour.
/// </summary>
public sealed class PiStudyActor : ReceiveActor
{
    private sealed record JobEnded(JobStatusReport Status);

    private sealed record ResultsRead(StudySummary Summary);

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    private readonly IFarmClient _farm;
    private readonly JobSpec _job;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public PiStudyActor(IFarmClient farm, JobSpec job, IHostApplicationLifetime lifetime)
    {
        _farm = farm;
        _job = job;
        _lifetime = lifetime;
        Submitting();
    }

    public static Props Props(IFarmClient farm, JobSpec job, IHostApplicationLifetime lifetime) =>
        Akka.Actor.Props.Create(() => new PiStudyActor(farm, job, lifetime));

    protected override void PreStart() => _farm.SubmitAsync(_job).PipeTo(Self);

    private void Submitting()
    {
        Receive<JobSubmitted>(submitted =>
        {
            _log.Info("Submitted {0} ({1} tasks) as job {2}", _job.Name, _job.TaskCount, submitted.JobId);
            Become(() => Watching(submitted.JobId));
            LastStatusAsync(submitted.JobId).PipeTo(Self, success: status => new JobEnded(status));
        });
        ReceiveFailure("submit");
    }

    private void Watching(string jobId)
    {
        Receive<JobEnded>(ended =>
        {
            _log.Info("Job {0} ended {1}: {2} succeeded, {3} failed", jobId, ended.Status.Phase, ended.Status.Succeeded, ended.Status.Failed);
            Become(Reading);
            SummariseAsync(jobId).PipeTo(Self, success: summary => new ResultsRead(summary));
        });
        ReceiveFailure("watch");
    }

    private void Reading()
    {
        Receive<ResultsRead>(read =>
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(read.Summary, SummaryJson));
            Environment.ExitCode = read.Summary.Succeeded == read.Summary.Tasks && read.Summary.Tasks == _job.TaskCount ? 0 : 1;
            _lifetime.StopApplication();
        });
        ReceiveFailure("read the results of");
    }

    private void ReceiveFailure(string step) =>
        Receive<Status.Failure>(failure =>
        {
            _log.Error(failure.Cause, "Could not {0} the study: {1}", step, failure.Cause.Message);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        });

    private async Task<JobStatusReport> LastStatusAsync(string jobId)
    {
        JobStatusReport? last = null;
        await foreach (var status in _farm.WatchAsync(jobId))
            last = status;
        return last ?? throw new InvalidOperationException($"the watch of job {jobId} ended without a status");
    }

    /// <summary>Pools the estimates as they stream in: memory stays the same whatever the number of tasks.</summary>
    private async Task<StudySummary> SummariseAsync(string jobId)
    {
        int rows = 0, succeeded = 0;
        long samples = 0, inside = 0;
        var nodes = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var row in _farm.ReadResultsAsync(jobId))
        {
            rows++;
            nodes.Add(row.Node);
            if (row.Outcome != TaskOutcome.Succeeded || row.Payload?.As<PiEstimate>() is not { } estimate) continue;
            succeeded++;
            samples += estimate.Samples;
            inside += estimate.Inside;
        }
        return new StudySummary(jobId, rows, succeeded, samples, samples == 0 ? double.NaN : 4.0 * inside / samples, [.. nodes]);
    }
}
