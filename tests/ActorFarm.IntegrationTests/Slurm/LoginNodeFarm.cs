using System.Collections.Concurrent;
using System.Text.Json;

namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// A long-lived farm outside any allocation, as a user keeps on a login node: a Lighthouse and a
/// coordinator-only node with a SQLite journal, real processes on 127.0.0.1, and an allocation
/// queue that feeds it with nodes of the real SLURM. Watches this queue's allocations in squeue
/// the whole time, so a test can check that the queue never held more than it may.
/// </summary>
public sealed class LoginNodeFarm : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte> _allocationsSeen = new();
    private Task? _watch;

    private LoginNodeFarm(LocalCluster cluster) => Cluster = cluster;

    public LocalCluster Cluster { get; }

    public ChildProcess Coordinator { get; private set; } = null!;

    public string StateDirectory => Cluster.Directory.File(".actorfarm");

    /// <summary>The most allocations of the queue squeue listed at once.</summary>
    public int MostAllocationsAtOnce { get; private set; }

    /// <summary>Every allocation of the queue squeue ever listed.</summary>
    public IReadOnlyCollection<string> AllocationsSeen => _allocationsSeen.Keys.ToArray();

    public static async Task<LoginNodeFarm> StartAsync()
    {
        var farm = new LoginNodeFarm(await LocalCluster.StartAsync());
        await farm.StartCoordinatorAsync();
        return farm;
    }

    /// <summary>Starts (again) the coordinator on the farm's journal, and waits until it is up.</summary>
    public async Task StartCoordinatorAsync()
    {
        Coordinator = Cluster.StartNode("login-coordinator", "coordinator", args: ["--state-dir", StateDirectory]);
        await LocalCluster.WaitUpAsync(Coordinator);
    }

    /// <summary>
    /// <c>actorfarm alloc add slurm</c> with <paramref name="options"/>, then <c>--</c> and the sbatch
    /// options; starts watching the queue's allocations in squeue. Returns the queue's number.
    /// </summary>
    public async Task<int> AddQueueAsync(string[] options, params string[] sbatchOptions)
    {
        var (exit, output) = await RunClientAsync(["alloc", "add", "slurm", .. options, "--json"], sbatchOptions);
        Assert.True(exit == 0, output);
        var queueId = JsonDocument.Parse(output.Split('\n').First(l => l.StartsWith('{'))).RootElement.GetProperty("queueId").GetInt32();
        var queues = await QueuesAsync();
        _watch ??= WatchAsync(_stop.Token);
        Assert.Contains(queues.EnumerateArray(), q => q.GetProperty("queueId").GetInt32() == queueId);
        return queueId;
    }

    /// <summary><c>alloc list --json</c>: the queues array.</summary>
    public async Task<JsonElement> QueuesAsync()
    {
        var (exit, output) = await RunClientAsync(["alloc", "list", "--json"], []);
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output.Split('\n').First(l => l.StartsWith('{'))).RootElement.GetProperty("queues").Clone();
    }

    /// <summary>The allocations of every queue, as <c>alloc list</c> shows them: SLURM job id → (state, nodes).</summary>
    public async Task<Dictionary<string, (string State, int Nodes)>> AllocationsAsync()
    {
        var allocations = new Dictionary<string, (string, int)>();
        foreach (var queue in (await QueuesAsync()).EnumerateArray())
            foreach (var allocation in queue.GetProperty("allocations").EnumerateArray())
                allocations[allocation.GetProperty("jobId").GetString()!] =
                    (allocation.GetProperty("state").GetString()!, allocation.GetProperty("nodes").GetInt32());
        return allocations;
    }

    /// <summary>This farm's allocations SLURM still lists (by their working directory: this farm's only).</summary>
    public async Task<string[]> SlurmAllocationsAsync()
    {
        var result = await ChildProcess.RunAsync("squeue", ["-h", "-o", "%i %j %Z"], TimeSpan.FromSeconds(30));
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' '))
            .Where(f => f.Length == 3 && f[1].StartsWith("actorfarm-", StringComparison.Ordinal) && f[2] == Cluster.Directory.Path)
            .Select(f => f[0])
            .ToArray();
    }

    /// <summary>Runs a client command; <paramref name="afterDashes"/> go after <c>--</c>, past the farm's own options.</summary>
    public async Task<(int ExitCode, string Output)> RunClientAsync(string[] args, string[] afterDashes)
    {
        string[] all = [.. args, "--cluster", Cluster.Seed, "--access-file", Cluster.AccessFile, .. afterDashes.Length > 0 ? ["--", .. afterDashes] : Array.Empty<string>()];
        await using var client = ChildProcess.StartDotnet(FarmPrograms.CliPath, all, Cluster.Directory.Path,
            new Dictionary<string, string> { ["ACTORFARM_HOST"] = "127.0.0.1" }, label: "client " + string.Join(' ', args.Take(2)));
        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, client.Output);
    }

    /// <summary>Waits until SLURM lists none of this farm's allocations (released, or ended).</summary>
    public async Task WaitUntilNoAllocationAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await SlurmAllocationsAsync()).Length == 0) return;
            await Task.Delay(1000);
        }
        Assert.Fail($"allocations still in SLURM's queue after {timeout}: {string.Join(", ", await SlurmAllocationsAsync())}\n{Cluster.Logs()}");
    }

    /// <summary>Kills every farm node process SLURM started for <paramref name="allocation"/> (kill -9), as if its nodes died.</summary>
    public static int KillNodesOf(string allocation)
    {
        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (!commandLine.Any(a => a.EndsWith("ActorFarm.Cli.dll", StringComparison.Ordinal)) || !commandLine.Contains("node")) continue;
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (!environment.Contains($"SLURM_JOB_ID={allocation}")) continue;
                System.Diagnostics.Process.GetProcessById(pid).Kill();
                killed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // gone meanwhile
            }
        }
        return killed;
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var listed = await SlurmAllocationsAsync();
                foreach (var id in listed) _allocationsSeen.TryAdd(id, 0);
                MostAllocationsAtOnce = Math.Max(MostAllocationsAtOnce, listed.Length);
                await Task.Delay(500, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (TimeoutException)
            {
                // squeue slow under load: the next round sees it
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_watch is not null) await _watch;
        // Nothing of this farm may outlive the test: its allocations would hold the test cluster's nodes.
        foreach (var id in await SlurmAllocationsAsync())
            await ChildProcess.RunAsync("scancel", [id], TimeSpan.FromSeconds(30));
        await Cluster.DisposeAsync();
    }
}
