using ActorFarm.Tests.Support;

namespace ActorFarm.Tests.Cluster;

/// <summary>
/// A client never waits on a farm that is gone: `submit --wait` follows a job while every process
/// of the farm is killed (as when an allocation ends under it). Once the farm has answered nothing
/// for <c>actorfarm.client.farm-gone-after</c> the client exits 3 with one line saying so, instead
/// of waiting without end.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class FarmGoneTests
{
    [Fact]
    public async Task A_waiting_client_exits_3_naming_the_cause_when_the_farm_is_gone()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var node = cluster.StartNode("n1", "coordinator,worker", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(node);
        var config = cluster.Directory.File("client.hocon");
        await File.WriteAllTextAsync(config, "actorfarm.client.farm-gone-after = 5s");
        var manifest = TestManifests.Sleep(cluster.Directory, "long", 4, 600);
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--progress", "plain", "--config", config);
        await client.WaitForLineAsync("long: 0/4 done", TimeSpan.FromMinutes(2));

        await node.KillHardAsync();
        await cluster.Lighthouse.KillHardAsync();

        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 3, $"exit {exit}\n{client.Tail()}");
        Assert.Contains("no answer from the farm for 5 s", client.Stderr);
    }
}
