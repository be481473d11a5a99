namespace ActorFarm.Logs;

/// <summary>
/// <see cref="StandardErrorStartupLogger"/> writing <see cref="JsonLogLine"/>s. A class of its own
/// because Akka creates the startup logger from <c>akka.stdout-logger-class</c> with no argument,
/// before any configuration could reach it; <see cref="LogFormat.Apply"/> names it when
/// <c>actorfarm.logging.format = json</c>.
/// </summary>
internal sealed class JsonStartupLogger() : StandardErrorStartupLogger(json: true);
