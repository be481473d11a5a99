using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// The farm's logger (<c>akka.loggers</c>, see hocon/logging.hocon): every log line goes to
/// standard error, never to standard output, which belongs to the program's results (the JSON
/// lines of <c>--json</c>). One line per event unless <c>actorfarm.logging.stack-traces</c> is on
/// (always one with <c>actorfarm.logging.format = json</c>: the trace is a field there);
/// <see cref="FrameworkNoise"/> only at DEBUG.
/// </summary>
internal sealed class StandardErrorLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string StackTracesKey = "actorfarm.logging.stack-traces";

    private readonly bool _stackTraces = Context.System.Settings.Config.GetBoolean(StackTracesKey, false);
    private readonly bool _json = LogFormat.IsJson(Context.System.Settings.Config);
    private readonly bool _showNoise = Akka.Event.Logging.LogLevelFor(Context.System.Settings.LogLevel) == LogLevel.DebugLevel;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent logEvent:
                if (_showNoise || !FrameworkNoise.IsNoise(logEvent))
                    Console.Error.WriteLine(_json ? JsonLogLine.Format(logEvent, _stackTraces) : LogLine.Format(logEvent, _stackTraces));
                return true;
            default:
                return false;
        }
    }
}
