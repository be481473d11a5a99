using System.Threading.Channels;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Hosting;

/// <summary>
/// The client side of <see cref="FarmClient.WatchAsync"/>: subscribes to a job and forwards its
/// pushes into a channel. It subscribes again when pushes stop (the job moved to another node
/// or recovered after a crash), so a watch outlives a coordinator fail-over.
/// </summary>
internal sealed class JobWatcher : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Resubscribe = TimeSpan.FromSeconds(2);

    private readonly string _jobId;
    private readonly IActorRef _jobs;
    private readonly ChannelWriter<JobStatusReport> _writer;
    private DateTime _lastHeard = DateTime.UtcNow;

    public JobWatcher(string jobId, IActorRef jobs, ChannelWriter<JobStatusReport> writer)
    {
        _jobId = jobId;
        _jobs = jobs;
        _writer = writer;

        Receive<JobProgress>(p =>
        {
            _lastHeard = DateTime.UtcNow;
            _writer.TryWrite(p.Status);
        });
        Receive<JobCompleted>(c =>
        {
            _writer.TryWrite(c.Status);
            _writer.TryComplete();
            Context.Stop(Self);
        });
        Receive<CheckAlive>(_ =>
        {
            if (DateTime.UtcNow - _lastHeard > Resubscribe) Subscribe();
        });
    }

    public static Props Props(string jobId, IActorRef jobs, ChannelWriter<JobStatusReport> writer) =>
        Akka.Actor.Props.Create(() => new JobWatcher(jobId, jobs, writer));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Subscribe();
        Timers.StartPeriodicTimer(nameof(CheckAlive), CheckAlive.Instance, Resubscribe);
    }

    protected override void PostStop() => _writer.TryComplete();

    private void Subscribe() => _jobs.Tell(new WatchJob(_jobId, Self));

    private sealed record CheckAlive : INoSerializationVerificationNeeded
    {
        public static readonly CheckAlive Instance = new();
    }
}
