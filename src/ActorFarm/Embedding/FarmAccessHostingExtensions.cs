using ActorFarm.Security;
using Akka.Hosting;

namespace ActorFarm.Embedding;

/// <summary>Akka.Hosting extension that secures a service's remoting as the farm's own processes are secured.</summary>
public static class FarmAccessHostingExtensions
{
    /// <summary>
    /// Mutual TLS for this actor system's remoting with the farm's credential: the certificate in
    /// the access file (or one that never leaves the process), pinned both ways, so only processes
    /// holding the same access file (the farm's nodes, its clients) can connect. A service that
    /// embeds the farm runs commands for whoever reaches its actor system; call this unless its
    /// remoting is secured otherwise. Opt-in, and the only remoting setting the farm touches: it
    /// turns on <c>akka.remote.dot-netty.tcp.enable-ssl</c> (call it after <c>WithRemoting</c>, or
    /// leave <c>RemoteOptions.EnableSsl</c> unset or true) and adds the TLS setup.
    /// </summary>
    /// <param name="builder">The service's Akka.Hosting builder.</param>
    /// <param name="access">
    /// Usually <c>new FarmAccess.FromFile(path, CreateIfMissing: true)</c>: the file is created (mode 0600)
    /// on first start, and given to the farm's other processes and clients.
    /// <see cref="FarmAccess.Insecure"/> leaves the remoting as it is.
    /// </param>
    /// <exception cref="AccessFileException">The access file is missing (and not to be created), open to others, or not an access file.</exception>
    public static AkkaConfigurationBuilder WithFarmAccess(this AkkaConfigurationBuilder builder, FarmAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var security = RemotingSecurity.Resolve(access, userConfig: null);
        if (security.Setup is { } setup)
            builder.AddSetup(setup);
        builder.AddHocon(security.Hocon, HoconAddMode.Prepend);
        return builder;
    }
}
