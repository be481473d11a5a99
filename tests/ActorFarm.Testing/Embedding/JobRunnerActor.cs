using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Testing.Embedding;

/// <summary>
/// A service's own actor that uses the farm: on <see cref="Run"/> it submits its job through
/// <see cref="IFarmClient"/>, watches it to the end without blocking (PipeTo) and answers the
/// asker with the job's last status. The spec is given at creation: only small messages travel.
/// </summary>
public sealed class JobRunnerActor : ReceiveActor
{
    public sealed record Run;

    private sealed record Watched(JobStatusReport Last);

    public JobRunnerActor(IFarmClient farm, JobSpec spec)
    {
        IActorRef? asker = null;
        Receive<Run>(_ =>
        {
            asker = Sender;
            farm.SubmitAsync(spec).PipeTo(Self);
        });
        Receive<JobSubmitted>(submitted => LastStatusAsync(farm, submitted.JobId).PipeTo(Self, success: last => new Watched(last)));
        Receive<Watched>(watched => asker?.Tell(watched.Last));
        Receive<Status.Failure>(failure => asker?.Tell(failure));
    }

    private static async Task<JobStatusReport> LastStatusAsync(IFarmClient farm, string jobId)
    {
        JobStatusReport? last = null;
        await foreach (var status in farm.WatchAsync(jobId))
            last = status;
        return last ?? throw new InvalidOperationException("the watch ended without a status");
    }

    public static Props Props(IFarmClient farm, JobSpec spec) => Akka.Actor.Props.Create(() => new JobRunnerActor(farm, spec));
}
