using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A cluster whose remoting runs over mutual TLS with a pinned, self-signed farm certificate given
/// as a file (<c>--tls-certificate</c>, the Lighthouse's TLS HOCON), not an access file: the
/// Lighthouse, a node and a client that hold the certificate run a job; a node with another
/// certificate is refused at the handshake and never becomes a member. (A node speaking plain TCP
/// to a TLS farm is refused in <see cref="Security.SecureClusterTests"/>.)
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class TlsClusterTests
{
    private const string Password = "farm-secret";

    [Fact]
    public async Task A_tls_cluster_runs_jobs_and_refuses_nodes_without_its_certificate()
    {
        using var certificates = new TempDirectory("actorfarm-tls");
        var farmCertificate = CreateCertificate(certificates.File("farm.pfx"), "actorfarm");
        var otherCertificate = CreateCertificate(certificates.File("other.pfx"), "actorfarm");
        var lighthouseConfig = certificates.File("tls.hocon");
        await File.WriteAllTextAsync(lighthouseConfig, $$"""
            akka.remote.dot-netty.tcp.enable-ssl = on
            akka.remote.dot-netty.tcp.ssl.certificate.path = "{{farmCertificate}}"
            akka.remote.dot-netty.tcp.ssl.certificate.password = "{{Password}}"
            """);

        await using var cluster = await LocalCluster.StartAsync(
            extraNodeArgs: ["--tls-certificate", farmCertificate, "--tls-password", Password],
            lighthouseEnvironment: new Dictionary<string, string> { ["CLUSTER_CONFIG"] = lighthouseConfig });
        var node = cluster.StartNode("n1", "coordinator,worker", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(node);

        var manifest = TestManifests.Sleep(cluster.Directory, "secure", 50, 0.01);
        var (exit, output) = await cluster.RunClientAsync(TimeSpan.FromMinutes(3), "submit", "--manifest", manifest, "--wait");
        Assert.True(exit == 0, $"submit exited {exit}\n{output}\n{cluster.Logs()}");
        Assert.Equal(50, ResultsFile.Read(cluster.Directory.File("out/secure/results.jsonl")).Count);

        // Same seed, TLS with a certificate that is not the farm's: the handshake fails both ways,
        // and the node says so and exits rather than waiting to join.
        await using var stranger = ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["node", "--seeds", cluster.Seed, "--roles", "worker", "--name", "stranger",
            "--tls-certificate", otherCertificate, "--tls-password", Password], cluster.Directory.Path, label: "stranger");
        var strangerExit = await stranger.WaitForExitAsync(LocalCluster.StartTimeout);
        Assert.True(strangerExit == 3, $"stranger exited {strangerExit}\n{stranger.Tail()}");
        Assert.Contains($"actorfarm: the node could not start: the TLS handshake with the farm at {cluster.Seed} failed", stranger.Output);
        Assert.DoesNotContain(" up at ", stranger.Output);
        // The Lighthouse saw two members join: itself and n1, never the refused node.
        var joins = cluster.Lighthouse.Output.Split('\n').Count(l => l.Contains("is JOINING"));
        Assert.Equal(2, joins);
    }

    /// <summary>A self-signed certificate with its key, for server and client authentication, as a PKCS#12 file.</summary>
    private static string CreateCertificate(string path, string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}
