using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorFarm.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ActorFarm.Dashboard;

/// <summary>
/// What the dashboard's <c>/metrics</c> serves, through OpenTelemetry's Prometheus exporter: the
/// farm's meter (<see cref="FarmMetrics.MeterName"/>: what happened in this process) and the
/// dashboard's own, <see cref="MeterName"/>: the farm-wide counts of each job it follows
/// (<c>actorfarm_job_tasks{job, name, state}</c>), as its last refresh saw them. Its own meter
/// provider, so a service's OpenTelemetry setup never mixes with it.
/// </summary>
internal sealed class PrometheusExport : IDisposable
{
    /// <summary>The dashboard's meter: its view of the followed jobs.</summary>
    public const string MeterName = "ActorFarm.Dashboard";

    private static readonly string[] States = ["succeeded", "failed", "running", "pending"];

    // One meter and one gauge for the process, never disposed, as the farm's own meter: once a meter
    // is disposed, OpenTelemetry stops exporting the instruments of every meter of the same name
    // (open-telemetry/opentelemetry-dotnet#6412), so a dashboard that stopped took the job gauges
    // of another one in the process with it. Several dashboards in one process (rare outside the
    // tests) each show the jobs of all of them; the job label tells them apart.
    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<PrometheusExport, byte> Live = new();

    static PrometheusExport() =>
        Meter.CreateObservableGauge("actorfarm.job.tasks", ObserveJobs, "{task}",
            "Tasks of a job the dashboard follows, by state (succeeded, failed, running, pending), farm-wide, at the dashboard's last refresh.");

    private IReadOnlyList<JobView> _jobs = [];

    public PrometheusExport()
    {
        Live[this] = 0;
        Provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(FarmMetrics.MeterName, MeterName)
            // Every scrape sees the counters as they are (the exporter's default keeps a response 300 ms).
            .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0)
            .Build();
    }

    /// <summary>The provider the scraping endpoint reads.</summary>
    public MeterProvider Provider { get; }

    /// <summary>The jobs of the latest refresh (jobs no longer followed drop out of the gauge).</summary>
    public void ShowJobs(IReadOnlyList<JobView> jobs) => Volatile.Write(ref _jobs, jobs);

    private static IEnumerable<Measurement<long>> ObserveJobs()
    {
        foreach (var export in Live.Keys)
        foreach (var job in Volatile.Read(ref export._jobs))
        {
            long[] counts = [job.Succeeded, job.Failed, job.Running, job.Pending];
            for (var i = 0; i < States.Length; i++)
                yield return new Measurement<long>(counts[i], new("job", job.JobId), new("name", job.Name), new("state", States[i]));
        }
    }

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        Provider.Dispose();
    }
}
