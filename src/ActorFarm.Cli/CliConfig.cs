using ActorFarm.Hosting;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>The configuration under every farm and client a command starts: <c>cli.hocon</c> and how much it logs.</summary>
internal static class CliConfig
{
    public static Config For(bool verbose) => FarmConfig.Embedded("cli.hocon").WithFallback(FarmConfig.Verbosity(verbose));
}
