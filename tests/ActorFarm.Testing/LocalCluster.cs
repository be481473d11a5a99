namespace ActorFarm.Testing;

/// <summary>
/// A real multi-process farm on 127.0.0.1 for one test: a Lighthouse seed, then coordinator and
/// worker nodes started as separate <c>actorfarm node</c> processes, and clients run as
/// <c>actorfarm submit/status/...</c> processes. Everything is killed when the test ends. Secure as
/// a user's farm is by default: the Lighthouse writes the farm's access file, and every node and
/// client is given it. Nodes and the Lighthouse speak JSON on stdout (<c>--json</c>): the cluster
/// waits on their JSON events, never on the text meant for people.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>Generous: several .NET processes starting at once on a 2-core machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ChildProcess> _processes = new();
    private readonly string[] _extraNodeArgs;

    private LocalCluster(TempDirectory directory, int seedPort, string[] extraNodeArgs, IReadOnlyDictionary<string, string> lighthouseEnvironment)
    {
        Directory = directory;
        SeedPort = seedPort;
        _extraNodeArgs = extraNodeArgs;
        LighthouseEnvironment = lighthouseEnvironment;
    }

    public TempDirectory Directory { get; }

    public int SeedPort { get; }

    public string Seed => $"127.0.0.1:{SeedPort}";

    public IReadOnlyDictionary<string, string> LighthouseEnvironment { get; }

    /// <summary>The farm's access file, written by the Lighthouse when it starts.</summary>
    public string AccessFile => Directory.File(".actorfarm/access.pem");

    public ChildProcess Lighthouse { get; private set; } = null!;

    /// <summary>Starts the Lighthouse and waits until it is up. <paramref name="extraNodeArgs"/> go to every node and client (TLS options, for instance).</summary>
    public static async Task<LocalCluster> StartAsync(string[]? extraNodeArgs = null, IReadOnlyDictionary<string, string>? lighthouseEnvironment = null)
    {
        var port = FreePort.Next();
        var directory = new TempDirectory("actorfarm-cluster");
        var environment = new Dictionary<string, string>(lighthouseEnvironment ?? new Dictionary<string, string>())
        {
            ["CLUSTER_IP"] = "127.0.0.1",
            ["CLUSTER_PORT"] = port.ToString(),
        };
        environment.TryAdd(ActorFarm.Security.FarmAccess.PathVariable, directory.File(".actorfarm/access.pem"));
        var cluster = new LocalCluster(directory, port, ["--access-file", directory.File(".actorfarm/access.pem"), .. extraNodeArgs ?? []], environment);
        cluster.Lighthouse = cluster.Track(ChildProcess.StartDotnet(FarmPrograms.LighthousePath, ["--json"], cluster.Directory.Path, environment, label: "lighthouse"));
        await cluster.Lighthouse.WaitForEventAsync("lighthouse-up", StartTimeout);
        return cluster;
    }

    /// <summary>Starts an <c>actorfarm node</c> (not waiting for it: see <see cref="WaitUpAsync"/>).</summary>
    public ChildProcess StartNode(string name, string roles, int port = 0, int slots = 2, params string[] args)
    {
        string[] all =
        [
            "node", "--seeds", Seed, "--roles", roles, "--name", name, "--port", port.ToString(), "--slots", slots.ToString(),
            .. NodeArgs(args),
        ];
        return Track(ChildProcess.StartDotnet(FarmPrograms.CliPath, all, Directory.Path, label: name));
    }

    /// <summary>
    /// Starts an <c>actorfarm node</c> as the leader of a process group of its own, so that
    /// <see cref="ChildProcess.SignalGroup"/> reaches it and its tasks at once, as systemd or a
    /// terminal would.
    /// </summary>
    public ChildProcess StartNodeInOwnSession(string name, string roles, int slots = 2, params string[] args)
    {
        string[] all =
        [
            "node", "--seeds", Seed, "--roles", roles, "--name", name, "--port", "0", "--slots", slots.ToString(),
            .. NodeArgs(args),
        ];
        return Track(ChildProcess.StartDotnet(FarmPrograms.CliPath, all, Directory.Path, label: name, ownSession: true));
    }

    /// <summary>A node's own arguments, then every node's (<c>--json</c> once, the access file, the cluster's extras).</summary>
    private string[] NodeArgs(string[] args) => [.. args, .. args.Contains("--json") ? [] : new[] { "--json" }, .. _extraNodeArgs];

    /// <summary>
    /// Starts nodes one after the other, each up before the next starts. On a small test machine
    /// several .NET processes compiling their first code at once starve each other of CPU for
    /// seconds, long enough for their failure detectors to call a peer unreachable; real nodes
    /// start on machines of their own.
    /// </summary>
    public async Task<ChildProcess[]> StartNodesInTurnAsync(string roles, IEnumerable<string> names, int slots = 2, params string[] args)
    {
        var started = new List<ChildProcess>();
        foreach (var name in names)
        {
            var node = StartNode(name, roles, slots: slots, args: args);
            await WaitUpAsync(node);
            started.Add(node);
        }
        return [.. started];
    }

    public static Task WaitUpAsync(params ChildProcess[] nodes) =>
        Task.WhenAll(nodes.Select(n => n.WaitForEventAsync("node-up", StartTimeout)));

    /// <summary>Runs a client command (<c>submit</c>, <c>status</c>, …) against this cluster to its end.</summary>
    public Task<(int ExitCode, string Output)> RunClientAsync(TimeSpan timeout, params string[] args) =>
        RunClientThroughAsync(Seed, timeout, args);

    /// <summary>Runs a client command with <paramref name="contact"/> (host:port of any member) as its only contact point.</summary>
    public async Task<(int ExitCode, string Output)> RunClientThroughAsync(string contact, TimeSpan timeout, params string[] args)
    {
        string[] all = [.. args, "--cluster", contact, .. _extraNodeArgs];
        await using var client = ChildProcess.StartDotnet(FarmPrograms.CliPath, all, Directory.Path, label: "client " + args[0]);
        var exit = await client.WaitForExitAsync(timeout);
        return (exit, client.Output);
    }

    /// <summary>Starts a client command without waiting for it (e.g. <c>submit --wait</c> while the test kills nodes).</summary>
    public ChildProcess StartClient(params string[] args)
    {
        string[] all = [.. args, "--cluster", Seed, .. _extraNodeArgs];
        return Track(ChildProcess.StartDotnet(FarmPrograms.CliPath, all, Directory.Path, label: "client " + args[0]));
    }

    /// <summary>Every process started for this cluster (the Lighthouse, nodes, clients).</summary>
    public IReadOnlyList<ChildProcess> Processes => _processes;

    /// <summary>Everything every process printed, for failure messages.</summary>
    public string Logs() => string.Join("\n\n", _processes.Select(p => $"==== {p.Label} (pid {p.Pid}), last lines ====\n{p.Tail(60)}"));

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        // For post-mortems: ACTORFARM_TEST_LOGS=<dir> keeps every process's output.
        if (Environment.GetEnvironmentVariable("ACTORFARM_TEST_LOGS") is { Length: > 0 } logs)
        {
            System.IO.Directory.CreateDirectory(logs);
            await File.WriteAllTextAsync(Path.Combine(logs, $"cluster-{SeedPort}.log"),
                string.Join("\n\n", _processes.Select(p => $"==== {p.Label} (pid {p.Pid}) ====\n{p.TimedOutput()}")));
        }
        Directory.Dispose();
    }
}
