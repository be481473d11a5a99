using ActorFarm.Hosting;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace ActorFarm.Security;

/// <summary>
/// How one farm process or client secures its remoting, decided once, before its actor system
/// exists: the single owner of the rule "TLS with the farm's credential unless told otherwise".
/// A TLS setup given in HOCON (<c>hocon/tls.hocon</c>, <c>--tls-certificate</c>) is used as it is;
/// otherwise the <see cref="FarmAccess"/> decides: an access file, an in-process credential, or
/// (only when asked for by name) none.
/// </summary>
internal sealed class RemotingSecurity
{
    private RemotingSecurity(bool tls, Config hocon, Setup? setup, string description)
    {
        Tls = tls;
        Hocon = hocon;
        Setup = setup;
        Description = description;
    }

    /// <summary>Whether remoting runs over TLS (addresses then use the <c>akka.ssl.tcp</c> scheme).</summary>
    public bool Tls { get; }

    /// <summary>The remoting settings this decision needs (<c>enable-ssl</c>), to sit above the host's other values.</summary>
    public Config Hocon { get; }

    /// <summary>For logs: how this process authenticates its peers.</summary>
    public string Description { get; }

    public bool IsInsecure => !Tls;

    /// <summary>The TLS setup (the farm's certificate, pinned both ways), null for plain TCP or a TLS setup from HOCON.</summary>
    public Setup? Setup { get; }

    /// <param name="access">The access rule; a TLS setup in <paramref name="userConfig"/> takes precedence over it.</param>
    /// <param name="userConfig">The caller's HOCON overrides, if any.</param>
    /// <param name="onCreated">Told the path when this call created the access file.</param>
    /// <exception cref="AccessFileException">The access file is missing, open to others, or not an access file.</exception>
    public static RemotingSecurity Resolve(FarmAccess access, Config? userConfig, Action<string>? onCreated = null)
    {
        if (userConfig is not null && ClusterAddress.UsesTls(userConfig))
            return new RemotingSecurity(true, Config.Empty, FarmTls.PinnedSetup(userConfig), "TLS with the certificate given in the configuration");
        switch (access)
        {
            case FarmAccess.Insecure:
                return new RemotingSecurity(false, Config.Empty, null, "INSECURE: plain TCP, no authentication (--insecure)");
            case FarmAccess.InProcess:
            {
                var credential = FarmCredential.Generate();
                return new RemotingSecurity(true, EnableSsl, credential.ToSslSetup(), "TLS with a credential that never leaves this process");
            }
            case FarmAccess.FromFile file:
            {
                var credential = AccessFileStore.Open(file.Path, file.CreateIfMissing, onCreated);
                return new RemotingSecurity(true, EnableSsl, credential.ToSslSetup(),
                    $"TLS with the access file {Path.GetFullPath(file.Path)} (farm {credential.Fingerprint[..16]})");
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(access), access, "unknown access rule");
        }
    }

    /// <summary>The actor system, with the TLS setup when there is one and the other setups given (null ones skipped).</summary>
    public ActorSystem CreateSystem(string name, Config config, params Setup?[] more)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        var setups = new[] { Setup }.Concat(more).OfType<Setup>().ToArray();
        return setups.Length == 0
            ? ActorSystem.Create(name, bootstrap)
            : ActorSystem.Create(name, ActorSystemSetup.Create([bootstrap, .. setups]));
    }

    /// <summary>
    /// Why <paramref name="system"/> stopped, when it stopped because a TLS handshake with the farm
    /// failed (Akka shuts a process down when its own outbound handshake fails: its credential is
    /// not the farm's, or the farm speaks plain TCP); otherwise null.
    /// </summary>
    public string? Refusal(ActorSystem system, string farm) =>
        // Akka.Remote's reason type is internal: known by its name.
        CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name == "TlsHandshakeFailureReason"
            ? $"the TLS handshake with the farm at {farm} failed: this process uses {Description}, which is not the farm's " +
              "(another farm's access file, or a farm started with --insecure)"
            : null;

    /// <summary>The warning every insecure farm process prints when it starts.</summary>
    public static string InsecureWarning(string address) =>
        $"INSECURE: remoting at {address} is plain TCP without authentication (--insecure): anyone who can reach it " +
        $"can join the farm or submit jobs that run commands as {Environment.UserName}. See docs/security.md.";

    /// <summary>The warning an insecure client prints: it can only reach a farm that anyone can use.</summary>
    public const string InsecureClientWarning =
        "INSECURE: this client speaks plain TCP without authentication (--insecure): it reaches only a farm started with --insecure, which anyone who can reach it can use. See docs/security.md.";

    private static readonly Config EnableSsl = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = on");
}
