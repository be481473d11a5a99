using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace ActorFarm.Security;

/// <summary>
/// TLS for the farm's remoting, switched on in HOCON (<c>hocon/tls.hocon</c> shows how):
/// <c>akka.remote.dot-netty.tcp.enable-ssl = on</c> with a certificate file. Every process of
/// the farm (Lighthouse, nodes, clients) holds the same certificate; with
/// <c>actorfarm.tls.pin-certificate = on</c> (the default) a peer is accepted only when it
/// presents exactly that certificate, both ways (mutual TLS), so a node without it cannot join,
/// and a self-signed farm certificate needs no entry in the machines' trust stores.
/// </summary>
internal static class FarmTls
{
    private const string Transport = "akka.remote.dot-netty.tcp";

    /// <summary>The setup that pins the farm certificate, or null when TLS is off or not pinned.</summary>
    public static Setup? PinnedSetup(Config config)
    {
        if (!config.GetBoolean($"{Transport}.enable-ssl", false) || !config.GetBoolean("actorfarm.tls.pin-certificate", true))
            return null;
        var path = config.GetString($"{Transport}.ssl.certificate.path", "");
        if (string.IsNullOrEmpty(path))
            throw new InvalidOperationException($"TLS is on ({Transport}.enable-ssl) but {Transport}.ssl.certificate.path is empty.");
        var password = config.GetString($"{Transport}.ssl.certificate.password", null);
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password,
            X509KeyStorageFlags.Exportable);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: CertificateValidation.PinnedCertificate([certificate.Thumbprint]));
    }

    /// <summary>HOCON that switches TLS on with <paramref name="certificatePath"/> (PKCS#12).</summary>
    public static Config Enable(string certificatePath, string? password) =>
        ConfigurationFactory.ParseString($$"""
            {{Transport}}.enable-ssl = on
            {{Transport}}.ssl.certificate.path = {{ActorFarm.Hosting.FarmConfig.Quote(Path.GetFullPath(certificatePath))}}
            {{Transport}}.ssl.certificate.password = {{ActorFarm.Hosting.FarmConfig.Quote(password ?? "")}}
            """);
}
