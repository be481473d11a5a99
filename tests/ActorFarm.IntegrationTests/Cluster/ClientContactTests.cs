
namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// Any member is a contact point for clients, worker-only nodes too. A receptionist hands a
/// client up to number-of-contacts members picked by hashing; from six members on those could all
/// be worker nodes, and when worker nodes ran no receptionist the client never reached the farm
/// (an 8-node cluster refused `actorfarm submit` for 30 s in some runs).
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class ClientContactTests
{
    [Fact]
    public async Task A_client_given_only_a_worker_nodes_address_reaches_the_farm()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var workerPort = FreePort.Next();
        var worker = cluster.StartNode("w1", "worker", port: workerPort);
        await LocalCluster.WaitUpAsync(worker);

        var (exit, output) = await cluster.RunClientThroughAsync($"127.0.0.1:{workerPort}", TimeSpan.FromMinutes(2), "status", "--json");

        Assert.True(exit == 0, $"status through the worker node exited {exit}\n{output}\n{cluster.Logs()}");
    }
}
