using Akka.Configuration;

namespace ActorFarm.Logs;

/// <summary>
/// How a farm process's log lines read on standard error (<c>actorfarm.logging.format</c>):
/// <c>text</c>, Akka's layout for a person (<see cref="LogLine"/>), or <c>json</c>, one JSON object
/// per line for a machine (<see cref="JsonLogLine"/>).
/// </summary>
internal static class LogFormat
{
    public const string Key = "actorfarm.logging.format";
    public const string Text = "text";
    public const string Json = "json";

    private const string StartupLoggerKey = "akka.stdout-logger-class";

    /// <summary>
    /// Whether <paramref name="config"/> asks for JSON lines. Anything but <c>json</c> reads as text
    /// here: a logger must not fail, and <see cref="Apply"/> refused a bad value before any system started.
    /// </summary>
    public static bool IsJson(Config config) => string.Equals(config.GetString(Key, Text), Json, StringComparison.OrdinalIgnoreCase);

    /// <summary>The setting itself, for a host that chooses the format (the CLI's <c>--log-format</c>).</summary>
    public static Config For(bool json) => ConfigurationFactory.ParseString($"{Key} = {(json ? Json : Text)}");

    /// <summary>
    /// A process's configuration made whole for its format: a value other than text or json is
    /// refused (one line before anything starts, rather than a logger failing inside Akka), and with
    /// json the startup logger is the JSON one. Akka creates that logger (<c>akka.stdout-logger-class</c>)
    /// before any configuration could reach it, so only its class can say JSON; a class of the
    /// caller's own is left alone.
    /// </summary>
    /// <exception cref="ConfigurationException">The format is neither text nor json.</exception>
    public static Config Apply(Config config)
    {
        var format = config.GetString(Key, Text);
        if (!string.Equals(format, Text, StringComparison.OrdinalIgnoreCase) && !string.Equals(format, Json, StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationException($"{Key} must be {Text} or {Json}, got '{format}'");
        if (!IsJson(config) || config.GetString(StartupLoggerKey) != ClassName<StandardErrorStartupLogger>())
            return config;
        // A class name holds no quote or backslash: quoted as it is.
        return ConfigurationFactory.ParseString($"{StartupLoggerKey} = \"{ClassName<JsonStartupLogger>()}\"").WithFallback(config);
    }

    /// <summary>How Akka names a logger class in configuration (as hocon/logging.hocon does).</summary>
    private static string ClassName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
