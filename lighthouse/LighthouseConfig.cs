using ActorFarm.Hosting;
using Akka.Configuration;

namespace ActorFarm.Lighthouse;

/// <summary>
/// The Lighthouse's configuration: <c>hocon/lighthouse.hocon</c> over the farm's base
/// configuration, with the address from the environment as petabridge/lighthouse reads it:
/// <c>CLUSTER_IP</c> (bind and advertise, default 127.0.0.1), <c>CLUSTER_PORT</c> (default 4053),
/// <c>CLUSTER_SEEDS</c> (comma-separated; default: this node itself), and <c>CLUSTER_CONFIG</c>, a
/// HOCON file with overrides (TLS, for instance).
/// </summary>
public static class LighthouseConfig
{
    public const int DefaultPort = 4053;

    public static Config Build(IReadOnlyDictionary<string, string?> environment)
    {
        var ip = Value(environment, "CLUSTER_IP") ?? "127.0.0.1";
        var portText = Value(environment, "CLUSTER_PORT");
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
            throw new ArgumentException($"CLUSTER_PORT must be a port number, got '{portText}'");
        Config? overrides = null;
        if (Value(environment, "CLUSTER_CONFIG") is { } file)
        {
            if (!File.Exists(file))
                throw new ArgumentException($"CLUSTER_CONFIG: {file} does not exist");
            try
            {
                overrides = ConfigurationFactory.ParseString(File.ReadAllText(file));
            }
            catch (Exception e) when (e is not IOException)
            {
                throw new ArgumentException($"CLUSTER_CONFIG: {file} is not valid HOCON: {e.Message}");
            }
        }
        var tls = overrides is not null && ClusterAddress.UsesTls(overrides);
        var seeds = (Value(environment, "CLUSTER_SEEDS") ?? $"{ip}:{port}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => ClusterAddress.Normalize(s, tls: tls))
            .ToArray();

        var address = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = "{{ip}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
            """);
        var composed = address.WithFallback(FarmConfig.Embedded("lighthouse.hocon")).WithFallback(FarmConfig.Base());
        return overrides is null ? composed : overrides.WithFallback(composed);
    }

    private static string? Value(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
