using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// What Akka logs through before the loggers start and after they stop (<c>akka.stdout-logger-class</c>,
/// at <c>akka.stdout-loglevel</c>): Akka's default writes to standard output, which would put
/// start-up and shutdown warnings among a command's JSON lines. Same format as
/// <see cref="StandardErrorLogger"/>, always one line (it is created before any configuration
/// could reach it), noise dropped.
/// </summary>
internal sealed class StandardErrorStartupLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        switch (message)
        {
            case LogEvent logEvent:
                if (!FrameworkNoise.IsNoise(logEvent))
                    Console.Error.WriteLine(LogLine.Format(logEvent, stackTraces: false));
                break;
            default:
                Console.Error.WriteLine(message);
                break;
        }
    }
}
