using System.Globalization;
using System.Text.Json;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Perf.Harness;
using ActorFarm.Protocol;
using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// The child side of a farm measurement (<c>ActorFarm.Perf.dll run-job ...</c>): starts an
/// embedded farm through the public API exactly as <c>actorfarm run</c> does (same options, log
/// level WARNING; or plain TCP with <c>--insecure</c>), submits the manifest's first job, watches it to its final status and writes a
/// <see cref="JobRunReport"/>. With <c>--jobs N</c> it then submits the same job N − 1 times more
/// (renamed), one after the other on the now warm farm, and reports each job's instants. It runs in its own process so that each measurement pays a cold
/// start, as a user does, and its memory is its own.
/// </summary>
public static class EmbeddedJobProbe
{
    public const string Mode = "run-job";

    public static async Task<int> RunAsync(string[] args, DateTimeOffset mainEnteredAt)
    {
        string? manifestPath = null, stateDirectory = null, reportPath = null;
        int? slots = null;
        var scanResults = false;
        var insecure = false;
        var jobs = 1;
        string? dashboardUrlFile = null;
        var awaitPage = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--manifest": manifestPath = args[++i]; break;
                case "--state-dir": stateDirectory = args[++i]; break;
                case "--report": reportPath = args[++i]; break;
                case "--slots": slots = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scan-results": scanResults = true; break;
                case "--insecure": insecure = true; break;
                case "--jobs": jobs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dashboard-url-file": dashboardUrlFile = args[++i]; break;
                case "--await-page": awaitPage = true; break;
                default: throw new ArgumentException($"run-job: unknown option {args[i]}");
            }
        }
        if (manifestPath is null || stateDirectory is null || reportPath is null)
            throw new ArgumentException("run-job needs --manifest, --state-dir and --report");

        var job = ManifestLoader.LoadFile(manifestPath).Jobs[0];
        var farm = await FarmHost.StartAsync(new FarmOptions
        {
            StateDirectory = stateDirectory,
            Slots = slots,
            NodeName = "local",
            Config = ConfigurationFactory.ParseString("akka.loglevel = WARNING"),
            // Null is what `actorfarm run` uses (TLS with an in-process credential); the TLS
            // cost benchmark compares it with plain TCP, which only the library offers.
            Access = insecure ? new FarmAccess.Insecure() : null,
        });
        var hostStartedAt = DateTimeOffset.UtcNow;
        // The dashboard cost benchmark: the farm serves its dashboard, and the harness opens the page.
        await using var dashboard = dashboardUrlFile is null ? null
            : await ActorFarm.Dashboard.DashboardServer.StartAsync(farm.Client, new ActorFarm.Dashboard.DashboardOptions());
        if (dashboard is not null)
        {
            // Written whole, then renamed: the harness never reads half an address.
            await File.WriteAllTextAsync(dashboardUrlFile + ".partial", dashboard.OpenAddress.ToString());
            File.Move(dashboardUrlFile + ".partial", dashboardUrlFile!, overwrite: true);
            // The job is measured with the page open and live (its second snapshot received), not while the browser starts.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (awaitPage && dashboard.SnapshotsSent < 2 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
        }

        var first = await RunJobAsync(farm.Client, job);
        var later = new List<JobInstants>();
        for (var k = 2; k <= jobs; k++)
            later.Add((await RunJobAsync(farm.Client, job with { Name = $"{job.Name}-{k}" })).Instants);
        var (submittedAt, acceptedAt, last) = (first.Instants.SubmittedAt, first.Instants.AcceptedAt, first.Last);
        var finalAt = first.Instants.FinalStatusAt;
        var peak = ProcessMemory.PeakRssBytes(Environment.ProcessId) ?? 0;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        // Whether this farm of one talks over the network at all, TLS or not: Akka keeps an
        // association's connection open, so one made at any time since start shows here.
        var connections = TcpConnections.EstablishedOnPort(farm.Address.Port ?? 0);

        var snapshotsSent = dashboard?.SnapshotsSent;
        if (dashboard is not null) await dashboard.DisposeAsync();
        await farm.DisposeAsync();
        var stoppedAt = DateTimeOffset.UtcNow;

        var report = new JobRunReport
        {
            MainEnteredAt = mainEnteredAt,
            HostStartedAt = hostStartedAt,
            SubmittedAt = submittedAt,
            AcceptedAt = acceptedAt,
            FinalStatusAt = finalAt,
            StoppedAt = stoppedAt,
            Phase = last.Phase.ToString(),
            Total = last.Total,
            Succeeded = last.Succeeded,
            Failed = last.Failed,
            PeakRssBytes = peak,
            CpuSeconds = cpu,
            Tls = farm.Security.Tls,
            TcpConnections = connections,
            Results = scanResults && last.ResultsFile is { } file ? ResultsFileScan.Summarize(file) : null,
            LaterJobs = later,
            DashboardSnapshotsSent = snapshotsSent,
        };
        await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, JobRunReport.Json));
        return last.Phase == JobPhase.Finished && later.All(j => j.Finished) ? 0 : 1;
    }

    /// <summary>Submits one job and watches it to its final status.</summary>
    private static async Task<(JobInstants Instants, JobStatusReport Last)> RunJobAsync(IFarmClient client, JobSpec job)
    {
        var submittedAt = DateTimeOffset.UtcNow;
        var submitted = await client.SubmitAsync(job, TimeSpan.FromMinutes(2));
        var acceptedAt = DateTimeOffset.UtcNow;
        var last = submitted.Status;
        await foreach (var status in client.WatchAsync(submitted.JobId))
            last = status;
        return (new JobInstants(submittedAt, acceptedAt, DateTimeOffset.UtcNow, last.Phase == JobPhase.Finished), last);
    }
}
