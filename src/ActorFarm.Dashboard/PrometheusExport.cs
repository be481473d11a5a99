using ActorFarm.Metrics;
using Prometheus;

namespace ActorFarm.Dashboard;

/// <summary>
/// The farm's meter (<see cref="FarmMetrics.MeterName"/>) in Prometheus' text format, for the
/// dashboard's <c>/metrics</c>: prometheus-net's adapter listens to that meter alone (not the
/// runtime's, not a host service's own meters) into a registry of this dashboard, so two
/// dashboards in one process (or a service's own prometheus-net registry) never mix.
/// Beside the meter, the farm-wide counts of each job the dashboard follows
/// (<c>actorfarm_job_tasks{job, name, state}</c>), as its last refresh saw them: the meter's
/// instruments count what happened in this process, these what the whole farm has done.
/// </summary>
internal sealed class PrometheusExport : IDisposable
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly IDisposable _adapter;
    private readonly Gauge _jobTasks;
    private readonly HashSet<string> _jobsShown = new(StringComparer.Ordinal);

    public PrometheusExport()
    {
        _jobTasks = Prometheus.Metrics.WithCustomRegistry(_registry).CreateGauge("actorfarm_job_tasks",
            "Tasks of a job the dashboard follows, by state (succeeded, failed, running, pending), farm-wide, at the dashboard's last refresh.",
            new GaugeConfiguration { LabelNames = ["job", "name", "state"] });
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = _registry,
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == FarmMetrics.MeterName,
        });
    }

    /// <summary>The jobs of the latest refresh; jobs no longer followed lose their series.</summary>
    public void ShowJobs(IReadOnlyList<JobView> jobs)
    {
        lock (_jobsShown)
        {
            foreach (var job in jobs)
            {
                _jobTasks.WithLabels(job.JobId, job.Name, "succeeded").Set(job.Succeeded);
                _jobTasks.WithLabels(job.JobId, job.Name, "failed").Set(job.Failed);
                _jobTasks.WithLabels(job.JobId, job.Name, "running").Set(job.Running);
                _jobTasks.WithLabels(job.JobId, job.Name, "pending").Set(job.Pending);
            }
            var current = jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _jobsShown.Where(id => !current.Contains(id)).ToList())
            {
                foreach (var labels in _jobTasks.GetAllLabelValues().Where(l => l[0] == gone).ToList())
                    _jobTasks.RemoveLabelled(labels);
                _jobsShown.Remove(gone);
            }
            _jobsShown.UnionWith(current);
        }
    }

    public Task WriteAsync(Stream output, CancellationToken ct) => _registry.CollectAndExportAsTextAsync(output, ct);

    public void Dispose() => _adapter.Dispose();
}
