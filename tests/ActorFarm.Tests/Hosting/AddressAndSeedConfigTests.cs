using ActorFarm.Hosting;
using ActorFarm.Lighthouse;
using ActorFarm.Security;

namespace ActorFarm.Tests.Hosting;

/// <summary>Node addresses as users type them, and the Lighthouse's environment.</summary>
public class AddressAndSeedConfigTests
{
    private static readonly RemotingSecurity Plain = RemotingSecurity.Resolve(new FarmAccess.Insecure(), null);

    [Theory]
    [InlineData("127.0.0.1:4053", false, "akka.tcp://actorfarm@127.0.0.1:4053")]
    [InlineData("node7.cluster:4053", true, "akka.ssl.tcp://actorfarm@node7.cluster:4053")]
    [InlineData("akka.tcp://actorfarm@10.0.0.1:4053/", false, "akka.tcp://actorfarm@10.0.0.1:4053")]
    [InlineData("akka.tcp://actorfarm@10.0.0.1:4053", true, "akka.ssl.tcp://actorfarm@10.0.0.1:4053")]
    [InlineData("akka.ssl.tcp://actorfarm@10.0.0.1:4053", false, "akka.tcp://actorfarm@10.0.0.1:4053")]
    public void Addresses_are_normalized_to_the_transport_scheme(string typed, bool tls, string expected) =>
        Assert.Equal(expected, ClusterAddress.Normalize(typed, tls: tls));

    [Theory]
    [InlineData("localhost")]
    [InlineData("http://x:1")]
    [InlineData(" , ")]
    public void Bad_address_lists_are_refused(string typed) =>
        Assert.Throws<FormatException>(() => ClusterAddress.ParseList(typed));

    [Fact]
    public void The_lighthouse_reads_its_address_and_seeds_from_the_environment()
    {
        var config = LighthouseConfig.Build(new Dictionary<string, string?>
        {
            ["CLUSTER_IP"] = "10.1.2.3",
            ["CLUSTER_PORT"] = "4100",
            ["CLUSTER_SEEDS"] = "10.1.2.3:4100, akka.tcp://actorfarm@10.1.2.4:4100",
        }, Plain);

        Assert.Equal("10.1.2.3", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4100, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["akka.tcp://actorfarm@10.1.2.3:4100", "akka.tcp://actorfarm@10.1.2.4:4100"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["lighthouse"], config.GetStringList("akka.cluster.roles"));
        // The farm's serializers and downing, so that it agrees with every other member.
        Assert.Equal("keep-oldest", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.NotEmpty(config.GetString("akka.actor.serializers.hyperion-wire"));
    }

    [Fact]
    public void A_lighthouse_alone_seeds_itself_over_tls_with_the_access_file_it_creates()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string?> { [FarmAccess.PathVariable] = dir.File("farm/access.pem") };

        var access = LighthouseConfig.Access(environment);
        var security = RemotingSecurity.Resolve(access, LighthouseConfig.Overrides(environment));
        var config = LighthouseConfig.Build(environment, security);

        Assert.Equal(new FarmAccess.FromFile(dir.File("farm/access.pem"), CreateIfMissing: true), access);
        Assert.True(File.Exists(dir.File("farm/access.pem")));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://actorfarm@127.0.0.1:4053"], config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void A_lighthouse_is_insecure_only_when_asked_by_name()
    {
        Assert.IsType<FarmAccess.Insecure>(LighthouseConfig.Access(new Dictionary<string, string?> { ["ACTORFARM_INSECURE"] = "1" }));
        Assert.Equal(new FarmAccess.FromFile(FarmAccess.DefaultPath(".actorfarm"), CreateIfMissing: true),
            LighthouseConfig.Access(new Dictionary<string, string?>()));
        var error = Assert.Throws<ArgumentException>(() => LighthouseConfig.Access(new Dictionary<string, string?> { ["ACTORFARM_INSECURE"] = "maybe" }));
        Assert.Contains("ACTORFARM_INSECURE", error.Message);
    }

    [Theory]
    [InlineData("CLUSTER_PORT", "http")]
    [InlineData("CLUSTER_PORT", "70000")]
    [InlineData("CLUSTER_CONFIG", "/nonexistent/tls.hocon")]
    public void Bad_lighthouse_settings_are_refused_by_name(string variable, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => LighthouseConfig.Build(new Dictionary<string, string?> { [variable] = value }, Plain));
        Assert.Contains(variable, error.Message);
    }
}
