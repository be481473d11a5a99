using Akka.Event;

namespace ActorFarm.Examples.Service;

/// <summary>
/// What Akka logs through before its loggers start and after they stop (the last lines of a
/// shutdown; <c>akka.stdout-logger-class</c> in service.hocon). Akka's default writes those to
/// stdout, which this service keeps for its summary line.
/// </summary>
public sealed class StandardErrorFallbackLogger : MinimalLogger
{
    /// <inheritdoc/>
    protected override void Log(object message) => Console.Error.WriteLine(message);
}
