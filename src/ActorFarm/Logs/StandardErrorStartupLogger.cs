using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// What Akka logs through before the loggers start and after they stop (<c>akka.stdout-logger-class</c>,
/// at <c>akka.stdout-loglevel</c>): Akka's default writes to standard output, which would put
/// start-up and shutdown warnings among a command's JSON lines. Same format as
/// <see cref="StandardErrorLogger"/>, always one line without frames (it is created before any
/// configuration could reach it), noise dropped. Its JSON variant is <see cref="JsonStartupLogger"/>.
/// </summary>
internal class StandardErrorStartupLogger : MinimalLogger
{
    private readonly bool _json;

    public StandardErrorStartupLogger() : this(json: false)
    {
    }

    /// <summary>For <see cref="JsonStartupLogger"/>: Akka creates the logger by its class alone.</summary>
    protected StandardErrorStartupLogger(bool json) => _json = json;

    protected override void Log(object message)
    {
        switch (message)
        {
            case LogEvent logEvent:
                if (!FrameworkNoise.IsNoise(logEvent))
                    Console.Error.WriteLine(_json ? JsonLogLine.Format(logEvent, stackTraces: false) : LogLine.Format(logEvent, stackTraces: false));
                break;
            case var other when _json:
                // Anything else told to the logger (Akka prints it as it is): one object still, so the line parses.
                Console.Error.WriteLine(JsonLogLine.Format(DateTime.UtcNow, LogLevel.InfoLevel, this.Path.ToString(), logger: null,
                    Environment.CurrentManagedThreadId, other.ToString() ?? "", cause: null, stackTraces: false));
                break;
            default:
                Console.Error.WriteLine(message);
                break;
        }
    }
}
