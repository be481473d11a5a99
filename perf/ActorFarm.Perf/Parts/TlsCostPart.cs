using System.Globalization;
using System.Text.Json;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Scaling;
using ActorFarm.Perf.Tls;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// What the farm's default mutual TLS costs: the same runs with TLS (the default) and with plain
/// TCP (<c>--insecure</c>), interleaved in one invocation so the machine's drift falls on both
/// alike. (a) the embedded no-op run (the library's insecure access stands in for the CLI, whose
/// <c>run</c> is always TLS); (b) a loopback cluster (Lighthouse + 2 nodes, 4 slots) running many
/// no-op tasks, so the remote dispatch and result traffic is the work; (c) the raw association:
/// connect, handshake and first message between two bare actor systems.
/// </summary>
public sealed class TlsCostPart : IPerfPart
{
    private const int Rounds = 3;
    private const int EmbeddedSlots = 2;
    private const int ClusterNodes = 2;
    private const int ClusterSlots = 4;

    private const string Embedded = "embedded no-op";
    private const string Cluster = "cluster no-op";
    private const string Association = "association";

    public string Name => "tls";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var rounds = run.Options.Rounds ?? (run.Smoke ? 1 : Rounds);
        long embeddedTasks = run.Smoke ? 2_000 : 1_000_000;
        long clusterTasks = run.Smoke ? 2_000 : 100_000;
        var pairs = run.Smoke ? 2 : 6;
        var comparison = new TlsComparison();
        var failures = new List<string>();
        var quiet = new Quietness();
        var lighthouse = ClusterFarmBackend.LighthousePath(run.Options);
        var cli = ResumePart.CliPath(run.Options);

        async Task Measure(string benchmark, int round, bool tls, Func<Task> measure)
        {
            PerfRun.Log($"tls: round {round}, {benchmark}, {(tls ? TlsComparison.Tls : TlsComparison.Insecure)}");
            quiet.Begin();
            try
            {
                await measure();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                failures.Add($"- round {round}, {benchmark}, {(tls ? TlsComparison.Tls : TlsComparison.Insecure)}: {e.Message.Split('\n')[0]}");
                PerfRun.Log($"tls: FAILED: {e.Message}");
            }
            quiet.End();
        }

        for (var round = 1; round <= rounds; round++)
        {
            // TLS first in odd rounds, insecure first in even ones (A B B A ...): a machine that
            // drifts steadily during the part favours neither mode.
            bool[] order = round % 2 == 1 ? [true, false] : [false, true];
            foreach (var tls in order)
                await Measure(Embedded, round, tls, () => EmbeddedNoopAsync(run, comparison, round, tls, embeddedTasks, cancellationToken));
            foreach (var tls in order)
                await Measure(Cluster, round, tls, () => ClusterNoopAsync(run, comparison, round, tls, clusterTasks, lighthouse, cli, cancellationToken));
            foreach (var tls in order)
                await Measure(Association, round, tls, () => AssociationAsync(run, comparison, round, tls, pairs, cancellationToken));
        }

        var summary = comparison.Summary();
        var runs = comparison.Runs();
        run.WriteCsv(summary);
        run.WriteCsv(runs);
        var section = run.Report.AddSection("6. The cost of TLS (default mutual TLS against `--insecure`)",
            $"The same measurements with the farm's default mutual TLS (DotNetty TLS, the farm's pinned self-signed ECDSA P-256 " +
            $"certificate) and with plain TCP, in {rounds} round(s); each round runs every benchmark once per mode, TLS first in " +
            "odd rounds and insecure first in even ones, so a machine that drifts during the part favours neither. Every run is " +
            "fresh processes. Per metric: the median and range (min–max) of each mode, and **TLS / insecure = ratio of the medians**. " +
            $"**Embedded no-op**: the run-job probe of part 1 ({embeddedTasks:N0} `handler = noop` tasks, {EmbeddedSlots} slots, " +
            "results journaled); TLS is what `actorfarm run` does (a credential generated in the process), insecure is " +
            "`FarmOptions.Access = new FarmAccess.Insecure()` (the CLI's `run` offers no insecure mode). It is a cluster of one: " +
            "*remoting TCP connections* counts the established connections on its remoting port at the final status " +
            "(`/proc/net/tcp`), so only its start-up can differ. " +
            $"**Cluster no-op**: the Lighthouse and {ClusterNodes} `actorfarm node` processes on loopback, started in turn as in part 3: " +
            $"node-0 the coordinator alone (its SQLite journal), node-1 the worker with all {ClusterSlots} slots, so every task and every " +
            "result crosses the network (batched dispatch, batched results; the run fails unless every task ran on node-1), as do " +
            $"the client's requests and status updates. Then `actorfarm submit --wait --json` of {clusterTasks:N0} `handler = noop` tasks; " +
            "insecure is `ACTORFARM_INSECURE=1` for the Lighthouse and `--insecure` for the nodes and the client. *Lighthouse launch " +
            "→ nodes up* is the nodes' `node-up` lines; *client launch → job accepted* the client's start, its connection and the " +
            "job's acceptance (its `submitted` line); *tasks/s* = tasks / (the `submitted` line → the `summary` line: every result " +
            "journaled and the results file written). " +
            $"**Association**: `ActorFarm.Perf.dll associate` starts a bare remote actor system, then {pairs} client systems in turn; " +
            "each asks the server's `/user` guardian to identify itself twice. The first ask opens the association (TCP connect, " +
            "the mutual TLS handshake, Akka's handshake); the second rides on it. *Cold* is the first client (first TLS session " +
            "and JIT in the process), *warm* the median of the others. *Credential* is resolving the access rule: with TLS, " +
            "creating and reading the access file (key generation included). Every run's value is in `results/tls-cost-runs.csv`.");
        section.Add(summary, quiet);
        foreach (var failure in failures) section.Note(failure);
        if (failures.Count > 0)
            throw new InvalidOperationException($"{failures.Count} TLS cost run(s) failed:\n{string.Join('\n', failures)}");
    }

    private static async Task EmbeddedNoopAsync(PerfRun run, TlsComparison comparison, int round, bool tls, long tasks,
        CancellationToken cancellationToken)
    {
        var dir = run.NewScratchDirectory("tls-embedded");
        var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("noop", tasks));
        var result = await EmbeddedJobLauncher.RunAsync(manifest, EmbeddedSlots, dir, scanResults: true, TimeSpan.FromMinutes(5),
            insecure: !tls, cancellationToken: cancellationToken);
        var report = result.Report;
        if (report.Tls != tls)
            throw new InvalidOperationException($"the embedded farm ran with TLS {(report.Tls ? "on" : "off")}, asked for {(tls ? "on" : "off")}");
        if (report.Succeeded != tasks)
            throw new InvalidOperationException($"{report.Succeeded} of {tasks} tasks succeeded");
        comparison.Add(Embedded, "launch → cluster Up (s)", round, tls, result.HostReadySeconds);
        comparison.Add(Embedded, "launch → first task (s)", round, tls, result.StartupSeconds ?? double.NaN);
        comparison.Add(Embedded, "tasks/s (submit → final status)", round, tls, tasks / result.SubmitToFinalSeconds);
        comparison.Add(Embedded, "remoting TCP connections", round, tls, report.TcpConnections);
    }

    private static async Task ClusterNoopAsync(PerfRun run, TlsComparison comparison, int round, bool tls, long tasks,
        string lighthouse, string cli, CancellationToken cancellationToken)
    {
        var dir = run.NewScratchDirectory("tls-cluster");
        var manifest = BenchmarkManifests.Write(dir, BenchmarkManifests.Noop("noop", tasks));
        var timeout = TimeSpan.FromMinutes(3);
        using var cluster = await LoopbackCluster.StartAsync(lighthouse, cli, ClusterNodes, ClusterSlots, dir,
            TimeSpan.FromSeconds(90), cancellationToken, insecure: !tls, coordinatorOnly: true);
        using var submit = ChildProcess.StartDotnet(cli,
        [
            "submit", "--manifest", manifest, "--cluster", $"127.0.0.1:{cluster.SeedPort}", "--wait", "--json", "--progress", "none",
            .. cluster.ClientAccessArguments,
        ], dir);
        var acceptedAt = (await submit.WaitForLineAsync(l => l.Contains("\"submitted\"", StringComparison.Ordinal), timeout, cancellationToken)).At;
        var summaryAt = (await submit.WaitForLineAsync(l => l.Contains("\"summary\"", StringComparison.Ordinal), timeout, cancellationToken)).At;
        await submit.WaitForSuccessAsync(TimeSpan.FromSeconds(60), cancellationToken);

        var results = ResultsFileScan.Summarize(Path.Combine(dir, "out", "noop", "results.jsonl"));
        if (results.Rows != tasks)
            throw new InvalidOperationException($"{results.Rows} results for {tasks} tasks");
        // With the coordinator alone on node-0, every task must have run on node-1: remote both ways.
        var remote = results.RowsByNode.GetValueOrDefault(LoopbackCluster.NodeName(1));
        if (remote != results.Rows)
            throw new InvalidOperationException($"{results.Rows - remote} tasks ran elsewhere than on the worker node-1");
        comparison.Add(Cluster, $"Lighthouse launch → {ClusterNodes} nodes up (s)", round, tls, (cluster.UpAt - cluster.LaunchedAt).TotalSeconds);
        comparison.Add(Cluster, "client launch → job accepted (s)", round, tls, (acceptedAt - submit.LaunchedAt).TotalSeconds);
        comparison.Add(Cluster, "client launch → first task (s)", round, tls, (results.FirstStart - submit.LaunchedAt).TotalSeconds);
        comparison.Add(Cluster, "tasks/s (accepted → summary)", round, tls, tasks / (summaryAt - acceptedAt).TotalSeconds);
    }

    private static async Task AssociationAsync(PerfRun run, TlsComparison comparison, int round, bool tls, int pairs,
        CancellationToken cancellationToken)
    {
        var dir = run.NewScratchDirectory("tls-associate");
        var reportPath = Path.Combine(dir, "association.json");
        List<string> args = [AssociationProbe.Mode, "--pairs", pairs.ToString(CultureInfo.InvariantCulture), "--report", reportPath];
        if (!tls) args.Add("--insecure");
        using var child = ChildProcess.StartDotnet(EmbeddedJobLauncher.ProgramPath, args, dir);
        var code = await child.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        if (code != 0 || !File.Exists(reportPath))
            throw new InvalidOperationException($"the association probe exited with {code}.\n{child.Tail()}");
        var report = JsonSerializer.Deserialize<AssociationReport>(await File.ReadAllTextAsync(reportPath, cancellationToken))!;
        if (report.Tls != tls)
            throw new InvalidOperationException($"the association probe ran with TLS {(report.Tls ? "on" : "off")}, asked for {(tls ? "on" : "off")}");
        var warm = report.Contacts.Skip(1).ToList();
        comparison.Add(Association, "credential (ms)", round, tls, report.CredentialSeconds * 1000);
        comparison.Add(Association, "server actor system start, cold (ms)", round, tls, report.ServerStartSeconds * 1000);
        comparison.Add(Association, "first ask, cold: opens the association (ms)", round, tls, report.Contacts[0].FirstAskSeconds * 1000);
        comparison.Add(Association, "client actor system start, warm (ms)", round, tls,
            Statistics.Median(warm.Select(c => c.ClientStartSeconds * 1000).ToList()));
        comparison.Add(Association, "first ask, warm: opens the association (ms)", round, tls,
            Statistics.Median(warm.Select(c => c.FirstAskSeconds * 1000).ToList()));
        comparison.Add(Association, "ask on the open association, warm (ms)", round, tls,
            Statistics.Median(warm.Select(c => c.SecondAskSeconds * 1000).ToList()));
    }
}
