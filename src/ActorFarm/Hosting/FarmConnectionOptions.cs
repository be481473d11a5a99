using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.Hosting;

/// <summary>How a client outside the cluster reaches a farm (see <see cref="FarmClient.ConnectAsync"/>).</summary>
public sealed record FarmConnectionOptions
{
    /// <summary>Contact points: seed or coordinator nodes, as <c>host:port</c> or <c>akka.tcp://actorfarm@host:port</c>.</summary>
    public required string[] Contacts { get; init; }

    /// <summary>The farm's actor system name (every node of one farm uses the same).</summary>
    public string SystemName { get; init; } = "actorfarm";

    /// <summary>The farm gateway's actor name on the coordinators (<see cref="Embedding.ActorFarmOptions.GatewayName"/>).</summary>
    public string GatewayName { get; init; } = Coordinator.FarmGateway.Name;

    /// <summary>The address the client's own remoting binds to; loopback unless told otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// How long the first round trip may take before the farm counts as unreachable. Default
    /// (null): <c>actorfarm.client.connect-timeout</c> of <see cref="Config"/> (30 s in <c>client.hocon</c>).
    /// </summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>The connect timeout in force (see <see cref="ConnectTimeout"/>).</summary>
    public TimeSpan EffectiveConnectTimeout =>
        ConnectTimeout ?? FarmConfig.BuildClient(this).GetTimeSpan(FarmClient.ConnectTimeoutKey, FarmClient.DefaultConnectTimeout);

    /// <summary>
    /// The farm's credential. Default (null): the access file <c>.actorfarm/access.pem</c> in the
    /// working directory, which must exist (a client never creates one). A TLS setup in
    /// <see cref="Config"/> takes precedence.
    /// </summary>
    public FarmAccess? Access { get; init; }

    /// <summary>The access rule in force (see <see cref="Access"/>).</summary>
    public FarmAccess EffectiveAccess => Access ?? new FarmAccess.FromFile(FarmAccess.DefaultPath(".actorfarm"));

    /// <summary>Highest-precedence configuration (TLS settings, for instance: see docs/cluster.md).</summary>
    public Config? Config { get; init; }
}
