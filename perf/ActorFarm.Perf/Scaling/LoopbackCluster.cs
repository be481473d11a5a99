using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

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

    private readonly string _cliDll;
    private readonly string _workDirectory;
    private readonly string[] _nodeAccess;

    private LoopbackCluster(string cliDll, string workDirectory, int seedPort, DateTimeOffset launchedAt, bool insecure, string[] nodeAccess)
    {
        _cliDll = cliDll;
        _workDirectory = workDirectory;
        SeedPort = seedPort;
        LaunchedAt = launchedAt;
        Insecure = insecure;
        _nodeAccess = nodeAccess;
    }

    public int SeedPort { get; }

    /// <summary>The instant before the first process (the Lighthouse) was created.</summary>
    public DateTimeOffset LaunchedAt { get; }

    /// <summary>The instant the last node reported itself up (its <c>node-up</c> line).</summary>
    public DateTimeOffset UpAt { get; private set; }

    /// <summary>Plain TCP without authentication (<c>--insecure</c>) instead of the default mutual TLS.</summary>
    public bool Insecure { get; }

    /// <summary>
    /// What a client's command line needs to reach this cluster, started in its work directory:
    /// nothing with TLS (the client finds the access file at <c>.actorfarm/access.pem</c> there), else <c>--insecure</c>.
    /// </summary>
    public IReadOnlyList<string> ClientAccessArguments => Insecure ? ["--insecure"] : [];

    public static string NodeName(int node) => $"node-{node}";

    /// <param name="insecure">Plain TCP (the Lighthouse's <c>ACTORFARM_INSECURE=1</c>, the nodes' <c>--insecure</c>);
    /// by default every process speaks mutual TLS with one access file, as a user's farm does.</param>
    /// <param name="coordinatorOnly">Node 0 is only the coordinator (no slots; the others share them), so every
    /// task and every result crosses the network.</param>
    public static async Task<LoopbackCluster> StartAsync(string lighthouseDll, string cliDll, int nodes, int slots,
        string workDirectory, TimeSpan timeout, CancellationToken cancellationToken, bool insecure = false, bool coordinatorOnly = false)
    {
        if (coordinatorOnly && nodes < 2)
            throw new ArgumentException("a coordinator-only cluster needs a worker node besides it", nameof(nodes));
        var seedPort = FreePort();
        // Secure, as a user's farm is: the Lighthouse writes the access file every node and the
        // client (started in the same directory) read.
        var accessFile = Path.Combine(workDirectory, ".actorfarm", "access.pem");
        var environment = new Dictionary<string, string>
        {
            ["CLUSTER_IP"] = "127.0.0.1",
            ["CLUSTER_PORT"] = seedPort.ToString(CultureInfo.InvariantCulture),
        };
        if (insecure) environment["ACTORFARM_INSECURE"] = "1";
        else environment["ACTORFARM_ACCESS_FILE"] = accessFile;
        string[] nodeAccess = insecure ? ["--insecure"] : ["--access-file", accessFile];
        var lighthouse = ChildProcess.StartDotnet(lighthouseDll, [], workDirectory, environment);
        var cluster = new LoopbackCluster(cliDll, workDirectory, seedPort, lighthouse.LaunchedAt, insecure, nodeAccess);
        cluster._processes.Add(lighthouse);
        try
        {
            var perNode = slots / (coordinatorOnly ? nodes - 1 : nodes);
            for (var i = 0; i < nodes; i++)
            {
                var roles = i > 0 ? "worker" : coordinatorOnly ? "coordinator" : "coordinator,worker";
                await cluster.AddNodeAsync(i, roles, perNode, timeout, cancellationToken);
            }
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts node <paramref name="index"/> (named <see cref="NodeName"/>) and waits for its
    /// <c>node-up</c> line; returns the instant before its process was created.
    /// </summary>
    public async Task<DateTimeOffset> AddNodeAsync(int index, string roles, int slots, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = Path.Combine(_workDirectory, NodeName(index));
        Directory.CreateDirectory(state);
        var node = ChildProcess.StartDotnet(_cliDll,
        [
            "node", "--seeds", $"127.0.0.1:{SeedPort}", "--roles", roles,
            "--slots", slots.ToString(CultureInfo.InvariantCulture), "--port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--state-dir", state, "--name", NodeName(index), "--json", .. _nodeAccess,
        ], _workDirectory);
        _processes.Add(node);
        UpAt = (await node.WaitForLineAsync(l => l.Contains("\"node-up\"", StringComparison.Ordinal), timeout, cancellationToken)).At;
        return node.LaunchedAt;
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
