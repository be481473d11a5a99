using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace ActorFarm.Security;

/// <summary>
/// A farm's credential: one self-signed certificate and its key, presented by every process of the
/// farm and the only certificate any of them accepts from a peer (pinned by thumbprint, both ways).
/// A self-signed certificate is enough because nothing else is trusted: no CA, no trust store, no
/// host names to get right on a cluster's internal network.
/// </summary>
internal sealed class FarmCredential : IDisposable
{
    private FarmCredential(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 fingerprint of the certificate, as shown to users (it names a farm without revealing its key).</summary>
    public string Fingerprint => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>A new credential. ECDSA P-256: generated in about a millisecond, and cheap in every handshake.</summary>
    public static FarmCredential Generate(string subject = "actorfarm")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        // Every process is both a TLS server (it listens) and a TLS client (it connects).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        // Through PEM and back: a key that lives only in the CertificateRequest's ephemeral handle
        // is not one every TLS stack accepts for a server certificate.
        return FromPem(created.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Reads a certificate and its private key from PEM text (other text around them is ignored).</summary>
    /// <exception cref="CryptographicException">The text holds no certificate or no matching key.</exception>
    public static FarmCredential FromPem(string pem) => new(X509Certificate2.CreateFromPem(pem, pem));

    /// <summary>The certificate and key as PEM text, for the access file.</summary>
    public string ToPem()
    {
        using var key = Certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? Certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The farm certificate has no private key.");
        return Certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Akka.Remote's TLS setup: present this certificate, require the peer's, accept only this one.</summary>
    public DotNettySslSetup ToSslSetup() =>
        new(Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: CertificateValidation.PinnedCertificate([Certificate.Thumbprint]));

    public void Dispose() => Certificate.Dispose();
}
