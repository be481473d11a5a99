using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>
/// The configuration of every farm and client a command starts: the process's log format, the
/// user's overrides, <c>cli.hocon</c> and how much it logs.
/// </summary>
internal static class CliConfig
{
    /// <param name="verbose"><c>--verbose</c>: Akka's INFO lines and stack traces.</param>
    /// <param name="extra">The user's overrides (<c>--config</c>, the TLS shorthand), or null.</param>
    public static Config For(bool verbose, Config? extra = null)
    {
        // The log format (--log-format, CliLog) is above everything, a --config file included: the
        // farm's lines must read like the command's own, or a machine could not parse stderr.
        var config = LogFormat.For(CliLog.Json);
        if (extra is not null) config = config.WithFallback(extra);
        return config.WithFallback(FarmConfig.Embedded("cli.hocon")).WithFallback(FarmConfig.Verbosity(verbose));
    }
}
