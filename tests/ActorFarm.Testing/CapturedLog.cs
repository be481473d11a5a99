using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorFarm.Testing;

/// <summary>
/// An Akka logger that keeps what an actor system logs, to the very end of its termination (loggers
/// stop last), where a test can read it: what a user would have seen on the console. One log per
/// actor system, found by a name given in the system's configuration.
/// </summary>
public sealed class CapturedLog
{
    private static readonly ConcurrentDictionary<string, CapturedLog> Logs = new();
    private readonly ConcurrentQueue<LogEvent> _events = new();

    private CapturedLog(string name) => Config = ConfigurationFactory.ParseString($"""
        akka.loggers = ["{typeof(Logger).AssemblyQualifiedName}"]
        actorfarm-test.captured-log = "{name}"
        """);

    /// <summary>What makes a system log here; put it above the rest of its configuration.</summary>
    public Config Config { get; }

    public IReadOnlyList<LogEvent> Events => [.. _events];

    /// <summary>A new, empty log.</summary>
    public static CapturedLog Start()
    {
        var log = new CapturedLog(Guid.NewGuid().ToString("N"));
        Logs[log.Config.GetString("actorfarm-test.captured-log")] = log;
        return log;
    }

    /// <summary>The logger Akka starts: every event it gets goes to the system's <see cref="CapturedLog"/>.</summary>
    public sealed class Logger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
    {
        public Logger()
        {
            var log = Logs[Context.System.Settings.Config.GetString("actorfarm-test.captured-log")];
            Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
            Receive<LogEvent>(log._events.Enqueue);
        }
    }
}
