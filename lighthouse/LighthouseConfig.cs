using ActorFarm.Hosting;
using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.Lighthouse;

/// <summary>
/// The Lighthouse's configuration: <c>hocon/lighthouse.hocon</c> over the farm's base
/// configuration, with the address from the environment as petabridge/lighthouse reads it:
/// <c>CLUSTER_IP</c> (bind and advertise, default 127.0.0.1), <c>CLUSTER_PORT</c> (default 4053),
/// <c>CLUSTER_SEEDS</c> (comma-separated; default: this node itself), and <c>CLUSTER_CONFIG</c>, a
/// HOCON file with overrides. Like every farm process it speaks mutual TLS with the farm's access
/// file: <c>ACTORFARM_ACCESS_FILE</c> (default <c>.actorfarm/access.pem</c> in the working
/// directory, created when missing: the Lighthouse is usually a farm's first process), or plain
/// TCP with a warning when <c>ACTORFARM_INSECURE=1</c>.
/// </summary>
internal static class LighthouseConfig
{
    public const int DefaultPort = 4053;

    /// <summary>The access rule the environment asks for.</summary>
    public static FarmAccess Access(IReadOnlyDictionary<string, string?> environment)
    {
        var insecure = Value(environment, "ACTORFARM_INSECURE");
        if (insecure is "1" or "true" or "yes" or "on")
            return new FarmAccess.Insecure();
        if (insecure is not null and not ("0" or "false" or "no" or "off"))
            throw new ArgumentException($"ACTORFARM_INSECURE must be 1 or 0, got '{insecure}'");
        var path = Value(environment, FarmAccess.PathVariable) ?? FarmAccess.DefaultPath(".actorfarm");
        return new FarmAccess.FromFile(path, CreateIfMissing: true);
    }

    /// <summary>The HOCON overrides of <c>CLUSTER_CONFIG</c>, or null.</summary>
    public static Config? Overrides(IReadOnlyDictionary<string, string?> environment)
    {
        if (Value(environment, "CLUSTER_CONFIG") is not { } file)
            return null;
        if (!File.Exists(file))
            throw new ArgumentException($"CLUSTER_CONFIG: {file} does not exist");
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(file));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new ArgumentException($"CLUSTER_CONFIG: {file} is not valid HOCON: {e.Message}");
        }
    }

    public static Config Build(IReadOnlyDictionary<string, string?> environment, RemotingSecurity security)
    {
        var ip = Value(environment, "CLUSTER_IP") ?? "127.0.0.1";
        var portText = Value(environment, "CLUSTER_PORT");
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
            throw new ArgumentException($"CLUSTER_PORT must be a port number, got '{portText}'");
        var overrides = Overrides(environment);
        var tls = security.Tls;
        var seeds = (Value(environment, "CLUSTER_SEEDS") ?? $"{ip}:{port}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => ClusterAddress.Normalize(s, tls: tls))
            .ToArray();

        var address = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = "{{ip}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
            """);
        var composed = address.WithFallback(security.Hocon).WithFallback(FarmConfig.Embedded("lighthouse.hocon")).WithFallback(FarmConfig.Base());
        return overrides is null ? composed : overrides.WithFallback(composed);
    }

    private static string? Value(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
