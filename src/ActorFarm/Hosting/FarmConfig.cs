using System.Reflection;
using System.Text.Json;
using Akka.Configuration;
using Akka.Persistence.Sql;
using ActorFarm.Logs;
using ActorFarm.Security;

namespace ActorFarm.Hosting;

/// <summary>
/// Composes a farm process's configuration from the HOCON files authored in /hocon (embedded in
/// this assembly) and the few values that only the host knows (address, roles, journal path).
/// Precedence, highest first: the caller's config, the host's values, the journal file,
/// serialization.hocon, farm.hocon, the plugins' defaults. Last, the log format is made whole
/// (<see cref="LogFormat.Apply"/>: a bad one refused, the startup logger matching it).
/// </summary>
internal static class FarmConfig
{
    /// <summary>Reads one of the embedded HOCON files by name, e.g. <c>farm.hocon</c>.</summary>
    public static Config Embedded(string fileName)
    {
        var resource = "ActorFarm.hocon." + fileName;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded configuration '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>The base configuration of every standalone farm process, without journal or host values.</summary>
    public static Config Base() =>
        Embedded("serialization.hocon")
            .WithFallback(Embedded("standalone.hocon"))
            .WithFallback(Embedded("logging.hocon"))
            .WithFallback(Library());

    /// <summary>
    /// What the farm's actors need in any actor system, and all that a service embedding the farm
    /// gets from it (<see cref="Embedding.ActorFarmHostingExtensions.WithActorFarm"/>, as fallbacks):
    /// the farm's serializers, its <c>actorfarm.*</c> defaults and results dispatcher, and the
    /// reference defaults of the Akka extensions it uses. Nothing here sets a value of Akka's own
    /// that the extensions' reference configurations do not already hold.
    /// </summary>
    public static Config Library() =>
        Embedded("serialization.hocon")
            .WithFallback(Embedded("farm.hocon"))
            .WithFallback(SqlPersistence.DefaultConfiguration)
            // Every member must know every serializer that may reach it from the moment it joins,
            // whether or not (or not yet) it started the extension: seeds join as soon as the
            // cluster extension loads, and pub-sub mediators gossip to all members.
            .WithFallback(Akka.Cluster.Sharding.ClusterSharding.DefaultConfig())
            .WithFallback(Akka.DistributedData.DistributedData.DefaultConfig())
            .WithFallback(Akka.Cluster.Tools.Client.ClusterClientReceptionist.DefaultConfig())
            .WithFallback(Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.DefaultConfig())
            .WithFallback(Akka.Cluster.Tools.Singleton.ClusterSingleton.DefaultConfig());

    /// <param name="options">How the process starts (roles, address, seeds, journal).</param>
    /// <param name="security">How remoting is secured (see <see cref="RemotingSecurity"/>); without it, plain
    /// TCP unless <see cref="FarmOptions.Config"/> turns TLS on (in-process test systems).</param>
    public static Config Build(FarmOptions options, RemotingSecurity? security = null)
    {
        var journal = options.PostgresConnectionString is null
            ? Journal(options.StateDirectory, null).WithFallback(Embedded("sqlite-start.hocon"))
            : Journal(options.StateDirectory, options.PostgresConnectionString);
        var tls = security?.Tls ?? (options.Config is { } overrides && ClusterAddress.UsesTls(overrides));
        var hostValues = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = {{Quote(options.Host)}}
            akka.remote.dot-netty.tcp.port = {{options.Port}}
            akka.cluster.roles = [{{string.Join(", ", options.Roles.Select(Quote))}}]
            akka.cluster.seed-nodes = [{{string.Join(", ", options.Seeds.Select(s => Quote(ClusterAddress.Normalize(s, options.SystemName, tls))))}}]
            """);
        if (options.Seeds.Length == 0)
        {
            // A cluster of one (the embedded farm): no other node can hold leases to re-attach,
            // and tasks still running when it stops are journaled as unfinished anyway.
            hostValues = hostValues.WithFallback(ConfigurationFactory.ParseString("""
                actorfarm.jobs.reattach-grace = 0s
                actorfarm.node.drain-grace = 0s
                actorfarm.wire.build-at-start = off
                # No peer to heartbeat: a long interval only keeps Akka from warning, on a busy
                # machine, that it was late with heartbeats nobody waits for.
                akka.cluster.failure-detector.heartbeat-interval = 10s
                """));
        }
        var composed = hostValues.WithFallback(journal).WithFallback(Base());
        if (security is not null)
            composed = security.Hocon.WithFallback(composed);
        composed = ShutdownPhase(options.Config is null ? composed : options.Config.WithFallback(composed)).WithFallback(composed);
        return LogFormat.Apply(options.Config is null ? composed : options.Config.WithFallback(composed));
    }

    /// <summary>
    /// The standalone farm's shutdown phase that holds its drains (<see cref="FarmShutdown"/>), as
    /// long as <paramref name="farm"/>'s drain timings need (<see cref="Node.DrainTimings.Phase"/>):
    /// derived, so that a longer drain grace needs no second setting. The caller's config may still set it.
    /// </summary>
    private static Config ShutdownPhase(Config farm) => ConfigurationFactory.ParseString(
        $"akka.coordinated-shutdown.phases.service-requests-done.timeout = {(long)Node.DrainTimings.From(farm).Phase.TotalMilliseconds}ms");

    /// <summary>
    /// The farm's journal plugins at Akka.Persistence.Sql's own plugin ids: SQLite in
    /// <paramref name="stateDirectory"/>, or PostgreSQL when <paramref name="postgresConnectionString"/> is given.
    /// Plugin definitions only (which plugin is a process's default is not the farm's to say).
    /// </summary>
    public static Config Journal(string stateDirectory, string? postgresConnectionString) =>
        postgresConnectionString is { } pg
            ? ConnectionStrings(pg).WithFallback(Embedded("postgres.hocon"))
            : ConnectionStrings(SqliteJournal.ConnectionString(stateDirectory)).WithFallback(Embedded("sqlite.hocon"));

    private static Config ConnectionStrings(string connectionString)
    {
        var quoted = Quote(connectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql.connection-string = {{quoted}}
            akka.persistence.snapshot-store.sql.connection-string = {{quoted}}
            akka.persistence.query.journal.sql.connection-string = {{quoted}}
            """);
    }

    /// <summary>
    /// A client outside the cluster (ClusterClient): remoting on a free port, the farm's
    /// serializers, and ClusterClient's own configuration and serializers.
    /// </summary>
    public static Config BuildClient(FarmConnectionOptions options, RemotingSecurity? security = null)
    {
        var hostValues = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = {{Quote(options.Host)}}
            akka.remote.dot-netty.tcp.port = 0
            """);
        var composed = hostValues
            .WithFallback(Embedded("client.hocon"))
            .WithFallback(Embedded("logging.hocon"))
            .WithFallback(Embedded("serialization.hocon"))
            .WithFallback(Akka.Cluster.Tools.Client.ClusterClientReceptionist.DefaultConfig())
            // ClusterClient hands every message to the receptionist inside a pub-sub Send: without
            // pub-sub's serializer binding that envelope, and the job spec in it, would go through
            // Akka's fallback JSON serializer, which drops fields holding their type's default
            // value (output.capture = none came back as files) and bypasses the wire allowlist.
            .WithFallback(Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.DefaultConfig());
        if (security is not null)
            composed = security.Hocon.WithFallback(composed);
        return LogFormat.Apply(options.Config is null ? composed : options.Config.WithFallback(composed));
    }

    /// <summary>
    /// How much a farm process or client logs (on stderr, always): <c>verbose.hocon</c> (INFO lines
    /// and stack traces, the CLI's <c>--verbose</c>) or <c>quiet.hocon</c> (warnings and errors, one
    /// line each). Give it as a fallback of <see cref="FarmOptions.Config"/> or
    /// <see cref="FarmConnectionOptions.Config"/>.
    /// </summary>
    public static Config Verbosity(bool verbose) => Embedded(verbose ? "verbose.hocon" : "quiet.hocon");

    /// <summary>A JSON string literal is a valid quoted HOCON string, escapes included.</summary>
    internal static string Quote(string value) => JsonSerializer.Serialize(value);
}
