using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorFarm.Perf.Harness;

namespace ActorFarm.Perf.Scaling;

/// <summary>
/// A farm cluster as processes on loopback, the way an allocation runs it: the Lighthouse seed
/// (configured by CLUSTER_IP / CLUSTER_PORT), node 0 with roles coordinator,worker and its
/// SQLite journal, nodes 1..n-1 with role worker, the slots split evenly. Every process is
/// killed with its tree when the cluster is disposed.
/// </summary>
/// <remarks>
/// Nodes start one after the other, each up before the next is launched. On an allocation every
/// node starts on its own machine at once; here all share two cores, and nine .NET processes
/// starting together starve each other for tens of seconds (start-up is CPU-bound: about 2 s of
/// CPU per process), long enough for handshakes to time out and the failure detector to down
/// nodes that are merely waiting for a core. Starting them in turn is the closest this one
/// machine comes to nodes with cores of their own; the start-up it reports is the sum.
/// </remarks>
public sealed class LoopbackCluster : IDisposable
{
    private readonly List<ChildProcess> _processes = new();

    private LoopbackCluster(int seedPort, DateTimeOffset launchedAt)
    {
        SeedPort = seedPort;
        LaunchedAt = launchedAt;
    }

    public int SeedPort { get; }

    /// <summary>The instant before the first process (the Lighthouse) was created.</summary>
    public DateTimeOffset LaunchedAt { get; }

    public static string NodeName(int node) => $"node-{node}";

    public static async Task<LoopbackCluster> StartAsync(string lighthouseDll, string cliDll, int nodes, int slots,
        string workDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seedPort = FreePort();
        // Secure, as a user's farm is: the Lighthouse writes the access file every node and the
        // client (started in the same directory) read.
        var accessFile = Path.Combine(workDirectory, ".actorfarm", "access.pem");
        var lighthouse = ChildProcess.StartDotnet(lighthouseDll, [], workDirectory, new Dictionary<string, string>
        {
            ["CLUSTER_IP"] = "127.0.0.1",
            ["CLUSTER_PORT"] = seedPort.ToString(CultureInfo.InvariantCulture),
            ["ACTORFARM_ACCESS_FILE"] = accessFile,
        });
        var cluster = new LoopbackCluster(seedPort, lighthouse.LaunchedAt);
        cluster._processes.Add(lighthouse);
        try
        {
            var perNode = slots / nodes;
            var seeds = $"127.0.0.1:{seedPort}";
            for (var i = 0; i < nodes; i++)
            {
                var state = Path.Combine(workDirectory, NodeName(i));
                Directory.CreateDirectory(state);
                var node = ChildProcess.StartDotnet(cliDll,
                [
                    "node", "--seeds", seeds, "--roles", i == 0 ? "coordinator,worker" : "worker",
                    "--slots", perNode.ToString(CultureInfo.InvariantCulture), "--port", FreePort().ToString(CultureInfo.InvariantCulture),
                    "--state-dir", state, "--name", NodeName(i), "--json", "--access-file", accessFile,
                ], workDirectory);
                cluster._processes.Add(node);
                await node.LineAsync(l => l.Contains("\"node-up\"", StringComparison.Ordinal), timeout, cancellationToken);
            }
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A port free right now on loopback (the OS picks it; it is released at once for the child to bind).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var process in _processes.AsEnumerable().Reverse()) process.Dispose();
    }
}
