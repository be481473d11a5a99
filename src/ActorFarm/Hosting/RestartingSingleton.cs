using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorFarm.Hosting;

/// <summary>
/// The parent of a journaled singleton (the job directory, the allocation queues) under its
/// cluster singleton manager. A persistent actor whose journal write or recovery fails stops
/// itself; without this parent the singleton stayed gone until its member restarted, and a farm
/// whose database blinked for a second never registered another job. This starts it again with
/// exponential backoff (it recovers its state from the journal), keeps the messages that arrive
/// meanwhile (up to a bound) for the next one, and says once when the journal fails and once when
/// it takes writes again. A hand-over stops this actor, and the singleton with it.
/// </summary>
internal sealed class RestartingSingleton : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Props _singleton;
    private readonly string _name;
    private readonly string _what;
    private readonly RestartSettings _settings;
    private readonly Queue<(object Message, IActorRef Sender)> _waiting = new();
    private IActorRef _child = ActorRefs.Nobody;
    private int _restarts;
    private string? _fault;
    private DateTimeOffset _faultSince;
    private bool _overflowSaid;

    public RestartingSingleton(Props singleton, string name, string what, RestartSettings settings)
    {
        _singleton = singleton;
        _name = name;
        _what = what;
        _settings = settings;
        StartChild();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="singleton">The journaled singleton's props.</param>
    /// <param name="name">Its actor name.</param>
    /// <param name="what">What it is, for log lines ("job directory").</param>
    /// <param name="settings">Backoff and buffer.</param>
    public static Props Props(Props singleton, string name, string what, RestartSettings settings) =>
        Akka.Actor.Props.Create(() => new RestartingSingleton(singleton, name, what, settings));

    /// <summary>Messages go to the singleton; its journal's health is noted; its stop starts the wait.</summary>
    private void Serving()
    {
        Receive<JournalDown>(down => NoteFault(down.Description));
        Receive<JournalUp>(_ => NoteHealthy());
        Receive<Terminated>(t => t.ActorRef.Equals(_child), _ =>
        {
            var delay = Backoff(_restarts++);
            Timers.StartSingleTimer(nameof(Restart), Restart.Instance, delay);
            Become(Restarting);
        });
        ReceiveAny(message => _child.Forward(message));
    }

    /// <summary>The singleton is gone until the timer: messages wait for the next one.</summary>
    private void Restarting()
    {
        Receive<JournalDown>(down => NoteFault(down.Description));
        Receive<JournalUp>(_ => NoteHealthy());
        Receive<Restart>(_ => StartChild());
        Receive<Terminated>(_ => { });
        ReceiveAny(Keep);
    }

    private void StartChild()
    {
        _child = Context.Watch(Context.ActorOf(_singleton, _name));
        // The new one stashes them itself until it has recovered.
        while (_waiting.TryDequeue(out var waiting)) _child.Tell(waiting.Message, waiting.Sender);
        _overflowSaid = false;
        Become(Serving);
    }

    private void Keep(object message)
    {
        if (_waiting.Count < _settings.Buffer)
        {
            _waiting.Enqueue((message, Sender));
            return;
        }
        Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self));
        if (_overflowSaid) return;
        _overflowSaid = true;
        _log.Warning("the {0}: {1} messages wait for it to start again; the ones after go to dead letters", _what, _settings.Buffer);
    }

    private void NoteFault(string description)
    {
        if (_fault is null)
        {
            _faultSince = DateTimeOffset.UtcNow;
            _log.Warning("{0}; the {1} stops and starts again from the journal until it can " +
                "(retrying every {2:0} s at most; messages for it wait)", description, _what, _settings.MaxBackoff.TotalSeconds);
        }
        _fault = description;
    }

    private void NoteHealthy()
    {
        _restarts = 0;
        if (_fault is null) return;
        _log.Warning("journal: read again; the {0} is back after {1:0.0} s", _what, (DateTimeOffset.UtcNow - _faultSince).TotalSeconds);
        _fault = null;
    }

    private TimeSpan Backoff(int restarts) =>
        TimeSpan.FromTicks(Math.Min(_settings.MaxBackoff.Ticks, _settings.MinBackoff.Ticks << Math.Min(restarts, 20)));

    private sealed record Restart : INoSerializationVerificationNeeded
    {
        public static readonly Restart Instance = new();
    }

    /// <summary>How a journaled singleton is started again (<c>singleton-restart</c> in job-region.hocon).</summary>
    internal sealed record RestartSettings(TimeSpan MinBackoff, TimeSpan MaxBackoff, int Buffer)
    {
        public static RestartSettings From(Config section) => new(
            section.GetTimeSpan("min-backoff"), section.GetTimeSpan("max-backoff"), section.GetInt("buffer"));
    }
}
