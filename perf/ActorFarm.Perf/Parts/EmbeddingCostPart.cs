using System.Globalization;
using System.Text.Json;
using ActorFarm.Perf.Embedding;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Parts;

/// <summary>
/// What the farm costs a service that embeds it (<c>WithActorFarm</c> in the service's own actor
/// system): the same generic-host service (<see cref="ServiceProbe"/>) with and without the farm,
/// a fresh process per run, alternating which goes first each round. Start-up to the member being
/// Up, memory and CPU at that point, and the stop, for both; the farm's readiness, a small job's
/// latency and the no-op rate for the farm alone.
/// </summary>
public sealed class EmbeddingCostPart : IPerfPart
{
    private const int DefaultRounds = 3;

    private const string Instant = "measured: probe's instant − harness's launch instant";

    public string Name => "embedding";

    public async Task RunAsync(PerfRun run, CancellationToken cancellationToken)
    {
        var rounds = run.Options.Rounds ?? (run.Smoke ? 1 : DefaultRounds);
        long jobTasks = run.Smoke ? 100 : 1_000;
        long throughputTasks = run.Smoke ? 2_000 : 100_000;
        var comparison = new EmbeddingComparison();
        var failures = new List<string>();
        var quiet = new Quietness();

        for (var round = 1; round <= rounds; round++)
        {
            // The farm first in odd rounds, the bare service first in even ones: a machine that
            // drifts steadily during the part favours neither.
            bool[] order = round % 2 == 1 ? [true, false] : [false, true];
            foreach (var withFarm in order)
            {
                var variant = withFarm ? EmbeddingComparison.WithFarm : EmbeddingComparison.WithoutFarm;
                PerfRun.Log($"embedding: round {round}, {variant}");
                quiet.Begin();
                try
                {
                    await MeasureAsync(run, comparison, round, withFarm, jobTasks, throughputTasks, cancellationToken);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException)
                {
                    failures.Add($"- round {round}, {variant}: {e.Message.Split('\n')[0]}");
                    PerfRun.Log($"embedding: FAILED: {e.Message}");
                }
                quiet.End();
            }
        }

        var summary = comparison.Summary();
        run.WriteCsv(summary);
        run.WriteCsv(comparison.Runs());
        var section = run.Report.AddSection("7. The cost of embedding the farm in a service (`WithActorFarm`, one actor system)",
            "The same generic-host service (`ActorFarm.Perf.dll embed-service`: `Host.CreateApplicationBuilder`, `AddAkka` with " +
            "remoting on 127.0.0.1 port 0, clustering with the farm's roles `coordinator` and `worker`, the member joining itself " +
            "in `WithActors`, Akka's log through the Microsoft logger at WARNING, on stderr) started **with the farm** " +
            "(`.WithActorFarm(new ActorFarmOptions { StateDirectory = <fresh directory>, Slots = 2 })` and `AddActorFarmClient()`) " +
            "and **without** it. " +
            "Both secure their remoting alike, as a secured service does: mutual TLS (`RemoteOptions.EnableSsl = true` and " +
            "`AccessFileStore.Open(path, createIfMissing: true).ToSslSetup()` added as a setup: one certificate, presented and " +
            "pinned both ways), so the difference is the farm's own (`embed-service --insecure` runs both on plain TCP by hand). " +
            $"{rounds} round(s), the farm first in odd rounds and the bare service first in even ones; every run is a fresh " +
            "process. **Measured**: instants read on the machine's one clock — the harness's just before it creates the process " +
            "(*launch*), the probe's at Main, when `IHost.StartAsync` returned, in the member's `RegisterOnMemberUp` callback, " +
            "when the first `IFarmClient.ListAsync` answered (*farm ready*: gateway, job directory and journal serving), when " +
            $"`SubmitAsync` of a {jobTasks:N0}-task `handler = noop` job built in code returned (*accepted*: journaled) and when " +
            "`WatchAsync` delivered its final status (*finished*: every result journaled, the results file written); then " +
            $"a {throughputTasks:N0}-task no-op job the same way; then around `IHost.StopAsync` (coordinated shutdown; with the " +
            "farm, the worker's drain and the coordinator's wait for it). Resident memory (`/proc/self/status` VmRSS), the managed " +
            "heap (`GC.GetTotalMemory(false)`, no collection forced) and the process's CPU time are read once the host has " +
            "started and the member is Up, before any job; the peak (VmHWM) just before the stop. **Derived**: every *launch →* " +
            $"figure is a difference of two measured instants; *tasks/s* = {throughputTasks:N0} / (submit → finished); " +
            "*with − without* is the difference of the two medians (the farm's cost; empty where only the farm has the metric). " +
            "Per metric the median and range (min–max) of each variant; every run's value is in `results/embedding-cost-runs.csv`.");
        section.Add(summary, quiet);
        foreach (var failure in failures) section.Note(failure);
        if (failures.Count > 0)
            throw new InvalidOperationException($"{failures.Count} embedding run(s) failed:\n{string.Join('\n', failures)}");
    }

    private static async Task MeasureAsync(PerfRun run, EmbeddingComparison comparison, int round, bool withFarm,
        long jobTasks, long throughputTasks, CancellationToken cancellationToken)
    {
        var dir = run.NewScratchDirectory(withFarm ? "embed-farm" : "embed-bare");
        var reportPath = Path.Combine(dir, "service.json");
        List<string> args =
        [
            ServiceProbe.Mode, "--work-dir", dir, "--report", reportPath,
            "--job-tasks", jobTasks.ToString(CultureInfo.InvariantCulture),
            "--throughput-tasks", throughputTasks.ToString(CultureInfo.InvariantCulture),
        ];
        if (withFarm) args.Add("--farm");
        using var child = ChildProcess.StartDotnet(EmbeddedJobLauncher.ProgramPath, args, dir);
        var code = await child.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        if (code != 0 || !File.Exists(reportPath))
            throw new InvalidOperationException($"the service probe exited with {code}.\n{child.Tail()}");
        var r = JsonSerializer.Deserialize<ServiceProbeReport>(await File.ReadAllTextAsync(reportPath, cancellationToken))!;
        if (r.WithFarm != withFarm || !r.Tls)
            throw new InvalidOperationException($"the service ran with farm {r.WithFarm} and TLS {r.Tls}, asked for {withFarm} and TLS");
        if (!r.SystemTerminated)
            throw new InvalidOperationException("the actor system had not terminated when IHost.StopAsync returned");

        double Since(DateTimeOffset at) => (at - child.LaunchedAt).TotalSeconds;
        void Add(string metric, string source, double value) => comparison.Add(metric, source, round, withFarm, value);

        Add("launch → Main entered (s)", Instant, Since(r.MainEnteredAt));
        Add("launch → host started, StartAsync returned (s)", Instant, Since(r.HostStartedAt));
        Add("launch → cluster member Up (s)", Instant, Since(r.MemberUpAt));
        Add("RSS at Up (MB)", "measured: VmRSS", ProcessMemory.Megabytes(r.RssAtUpBytes));
        Add("managed heap at Up (MB)", "measured: GC.GetTotalMemory(false)", ProcessMemory.Megabytes(r.ManagedHeapAtUpBytes));
        Add("CPU used by Up (s)", "measured: process CPU time, all threads", r.CpuSecondsAtUp);
        if (withFarm)
        {
            if (r.FarmReadyAt is not { } ready || r.SmallJob is not { } small || r.ThroughputJob is not { } bulk)
                throw new InvalidOperationException("the service with the farm reported no farm readiness or jobs");
            Add("launch → farm ready, first ListAsync answered (s)", Instant, Since(ready));
            Add($"launch → {small.Tasks:N0}-task job accepted (s)", Instant, Since(small.AcceptedAt));
            Add($"launch → {small.Tasks:N0}-task job finished (s)", Instant, Since(small.FinishedAt));
            Add($"{small.Tasks:N0}-task job: submit → finished (s)", "measured: two probe instants",
                (small.FinishedAt - small.SubmittedAt).TotalSeconds);
            Add($"tasks/s, {bulk.Tasks:N0}-task no-op job", "derived: tasks / (submit → finished)",
                bulk.Tasks / (bulk.FinishedAt - bulk.SubmittedAt).TotalSeconds);
        }
        Add("peak RSS before the stop (MB)", "measured: VmHWM", ProcessMemory.Megabytes(r.PeakRssBytes));
        Add("IHost.StopAsync (s)", "measured: two probe instants", (r.StoppedAt - r.StopRequestedAt).TotalSeconds);
    }
}
