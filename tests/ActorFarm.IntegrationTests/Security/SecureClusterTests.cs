using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ActorFarm.IntegrationTests.Security;

/// <summary>
/// A farm started as a user starts it, on the machine's network address and without
/// <c>--insecure</c>: it speaks TLS, and of the nodes and clients that try to reach it only those
/// holding its access file get in. Those without it, with another farm's, or speaking plain TCP
/// never become members and never run a command; a file open to others is refused at once.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SecureClusterTests
{
    private static readonly TimeSpan ClientLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_farm_on_a_network_address_admits_only_holders_of_its_access_file()
    {
        var host = NetworkAddress() ?? "127.0.0.1";
        using var dir = new TempDirectory("actorfarm-secure");
        using var stranger = new TempDirectory("actorfarm-stranger");
        using var empty = new TempDirectory("actorfarm-nothing");
        var access = dir.File(".actorfarm/access.pem");
        var port = FreePort.Next();
        var seed = $"{host}:{port}";
        await using var lighthouse = ChildProcess.StartDotnet(FarmPrograms.LighthousePath, ["--json"], dir.Path, new Dictionary<string, string>
        {
            ["CLUSTER_IP"] = host,
            ["CLUSTER_PORT"] = port.ToString(),
            ["ACTORFARM_ACCESS_FILE"] = access,
        }, label: "lighthouse");
        var lighthouseUp = await lighthouse.WaitForEventAsync("lighthouse-up", LocalCluster.StartTimeout);
        Assert.Equal($"akka.ssl.tcp://actorfarm@{host}:{port}", lighthouseUp.Text("address"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(access));
        await using var node = ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["node", "--seeds", seed, "--host", host, "--roles", "coordinator,worker", "--name", "n1", "--slots", "2",
            "--state-dir", dir.File("state"), "--access-file", access, "--json"], dir.Path, label: "n1");
        var nodeUp = await node.WaitForEventAsync("node-up", LocalCluster.StartTimeout);
        Assert.Equal("n1", nodeUp.Text("node"));
        Assert.StartsWith($"akka.ssl.tcp://actorfarm@{host}:", nodeUp.Text("address"));

        var markers = Directory.CreateDirectory(stranger.File("markers")).FullName;
        var intruding = stranger.File("intruder.hocon");
        await File.WriteAllTextAsync(intruding, $$"""
            jobs { intruder { command = ["/bin/sh", "-c", "touch {{markers}}/$0", "${index}"], sweep { i = [1, 2, 3] } } }
            """);
        // A node that lacks the file writes its own (another farm's), one speaks plain TCP.
        await using var otherFarmNode = ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["node", "--seeds", seed, "--host", host, "--roles", "worker", "--name", "other"], stranger.Path, label: "other farm's node");
        await using var plainNode = ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["node", "--seeds", seed, "--host", host, "--roles", "worker", "--name", "plain", "--insecure"], stranger.Path, label: "plain node");
        await Waiting.UntilAsync(() => File.Exists(stranger.File(".actorfarm/access.pem")), LocalCluster.StartTimeout);
        var otherFarmClient = FarmPrograms.RunCliAsync(stranger.Path, ClientLimit, "submit", "--manifest", intruding, "--cluster", seed);
        // Plain TCP to a TLS port gets no answer at all: the client gives up after its connect
        // timeout (30 s by default), shortened here as a user may. Those 10 s are also the plain
        // node's chance to get in, so they stay well above the few seconds a join takes.
        var plainClient = FarmPrograms.RunCliAsync(stranger.Path, ClientLimit, "submit", "--manifest", intruding, "--cluster", seed, "--insecure",
            "--config", ClientTimeouts.Write(stranger.Path, connect: TimeSpan.FromSeconds(10)));
        var fileless = await FarmPrograms.RunCliAsync(empty.Path, ClientLimit, "submit", "--manifest", intruding, "--cluster", seed);
        var loose = dir.File("loose.pem");
        File.Copy(access, loose);
        File.SetUnixFileMode(loose, (UnixFileMode)0b110_100_100);
        var looseNode = await FarmPrograms.RunCliAsync(dir.Path, ClientLimit,
            "node", "--seeds", seed, "--host", host, "--roles", "worker", "--access-file", loose);
        var looseClient = await FarmPrograms.RunCliAsync(dir.Path, ClientLimit, "status", "--cluster", seed, "--access-file", loose);
        var manifest = TestManifests.Sleep(dir, "own", 20, 0.01);
        var own = await FarmPrograms.RunCliAsync(dir.Path, ClientLimit,
            "submit", "--manifest", manifest, "--cluster", seed, "--access-file", access, "--wait", "--progress", "none");
        var (otherFarm, plain) = (await otherFarmClient, await plainClient);
        // The node with another farm's file fails its handshake and exits, saying why.
        var otherFarmNodeExit = await otherFarmNode.WaitForExitAsync(LocalCluster.StartTimeout);

        Assert.True(own.ExitCode == 0, $"{own}\n{lighthouse.Tail(40)}\n{node.Tail(40)}");
        Assert.Equal(20, ResultsFile.Read(dir.File("out/own/results.jsonl")).Count);
        Assert.True((fileless.ExitCode, otherFarm.ExitCode, plain.ExitCode) == (2, 3, 3), $"{fileless}\n{otherFarm}\n{plain}");
        Assert.StartsWith($"actorfarm: no access file at {empty.File(".actorfarm/access.pem")}", fileless.Stderr);
        Assert.Contains($"actorfarm: the TLS handshake with the farm at {seed} failed: this process uses TLS with the access file {stranger.File(".actorfarm/access.pem")}", otherFarm.Stderr);
        Assert.Contains($"actorfarm: no farm answered at {seed} within 10 s", plain.Stderr);
        Assert.Contains("INSECURE", plain.Stderr);
        foreach (var refused in new[] { looseNode, looseClient })
        {
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Equal($"actorfarm: access file {loose} is open to other users (mode 0644): it is the key to running commands as you; " +
                         $"chmod 600 {loose}, or if others may have read it, make a new one (docs/security.md)", refused.Stderr.Trim());
        }
        Assert.Empty(Directory.GetFiles(markers));
        Assert.True(otherFarmNodeExit == 3, otherFarmNode.Tail());
        Assert.DoesNotContain(" up at ", otherFarmNode.Output);
        Assert.Contains($"actorfarm: the node could not start: the TLS handshake with the farm at {seed} failed", otherFarmNode.Output);
        Assert.DoesNotContain(" up at ", plainNode.Output);
        Assert.Contains("INSECURE: remoting at akka.tcp://", plainNode.Output);
        // Members ever: the Lighthouse and n1.
        Assert.Equal(2, lighthouse.Output.Split('\n').Count(l => l.Contains("is JOINING")));
    }

    /// <summary>This machine's first IPv4 address that is not loopback (traffic to it still never leaves the machine), or null.</summary>
    private static string? NetworkAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
            ?.ToString();
}
