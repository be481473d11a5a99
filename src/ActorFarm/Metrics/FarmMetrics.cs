using System.Diagnostics.Metrics;

namespace ActorFarm.Metrics;

/// <summary>
/// The farm's System.Diagnostics.Metrics instruments, all on one meter named
/// <see cref="MeterName"/>: a service embedding the farm exports them by adding its own exporter
/// to that meter (OpenTelemetry: <c>AddMeter(FarmMetrics.MeterName)</c>). Every instrument, what
/// it counts and where it is recorded is in docs/metrics.md.
/// </summary>
/// <remarks>
/// The one owner of the meter: the actors record through the instruments here and publish what
/// the gauges read through <see cref="TrackJob"/> and <see cref="TrackNode"/>. Counters count
/// since the process started, in this process only.
/// </remarks>
public static class FarmMetrics
{
    /// <summary>The name of the meter every ActorFarm instrument belongs to.</summary>
    public const string MeterName = "ActorFarm";

    private static readonly Meter Meter = new(MeterName, typeof(FarmMetrics).Assembly.GetName().Version?.ToString());

    // Gauges read what live actors publish (see JobGauge, NodeGauge); declared before the
    // observable instruments only for reading order: their callbacks run at collection time.
    private static readonly Sources<JobGauge> Jobs = new();
    private static readonly Sources<NodeGauge> Nodes = new();

    // Seconds, as OpenTelemetry's conventions have durations; the default buckets (made for
    // milliseconds) would put every journal write and lease request in the first one.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    // Up to actorfarm.jobs.max-results-per-event (2,000 by default) results per write.
    private static readonly InstrumentAdvice<long> BatchBuckets = new()
    {
        HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
    };

    internal static readonly Counter<long> TasksStarted = Meter.CreateCounter<long>("actorfarm.tasks.started", "{task}",
        "Task attempts handed to a worker on this node.");

    internal static readonly Counter<long> TasksSucceeded = Meter.CreateCounter<long>("actorfarm.tasks.succeeded", "{task}",
        "Tasks whose final result, a success, was journaled by their job.");

    internal static readonly Counter<long> TasksFailed = Meter.CreateCounter<long>("actorfarm.tasks.failed", "{task}",
        "Tasks whose final result, not a success (no attempt left), was journaled by their job.");

    internal static readonly Counter<long> TasksRetried = Meter.CreateCounter<long>("actorfarm.tasks.retried", "{task}",
        "Failed attempts (exit code, timeout, crashed worker) that their job will try again.");

    internal static readonly Counter<long> TasksRequeued = Meter.CreateCounter<long>("actorfarm.tasks.requeued", "{task}",
        "Leases given back by a node or lost with it; their tasks wait to be leased again.");

    internal static readonly Counter<long> LeasesGranted = Meter.CreateCounter<long>("actorfarm.leases.granted", "{lease}",
        "Leases a job handed to nodes.");

    internal static readonly Counter<long> ResultsReceived = Meter.CreateCounter<long>("actorfarm.results.received", "{result}",
        "Task results a running job received from nodes.");

    internal static readonly Histogram<double> DispatchLatency = Meter.CreateHistogram<double>("actorfarm.dispatch.latency", "s",
        "On a node: from sending a job a request for tasks to receiving the batch of leases that answers it.",
        tags: null, advice: SecondsBuckets);

    internal static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram<double>("actorfarm.journal.write.duration", "s",
        "From a job's journal being handed an event of task results to the journal confirming it written.",
        tags: null, advice: SecondsBuckets);

    internal static readonly Histogram<long> JournalWriteBatchSize = Meter.CreateHistogram<long>("actorfarm.journal.write.batch_size", "{result}",
        "Task results journaled by one write.", tags: null, advice: BatchBuckets);

    internal static readonly ObservableGauge<long> TasksRunning = Meter.CreateObservableGauge<long>("actorfarm.tasks.running",
        () => Jobs.Observe(static job => job.Running), "{task}", "Tasks leased to nodes now, per job running in this process.");

    internal static readonly ObservableGauge<long> TasksPending = Meter.CreateObservableGauge<long>("actorfarm.tasks.pending",
        () => Jobs.Observe(static job => job.Pending), "{task}", "Tasks neither done nor leased now, per job running in this process.");

    internal static readonly ObservableGauge<long> NodeSlots = Meter.CreateObservableGauge<long>("actorfarm.slots",
        () => Nodes.Observe(static node => node.Slots), "{slot}", "Slots of each node supervisor in this process.");

    internal static readonly ObservableGauge<long> NodeSlotsBusy = Meter.CreateObservableGauge<long>("actorfarm.slots.busy",
        () => Nodes.Observe(static node => node.Busy), "{slot}", "Slots whose worker holds tasks now, per node supervisor in this process.");

    /// <summary>The tag naming a job (its id).</summary>
    internal static KeyValuePair<string, object?> JobTag(string jobId) => new("job", jobId);

    /// <summary>The tag naming a node (its node name).</summary>
    internal static KeyValuePair<string, object?> NodeTag(string nodeName) => new("node", nodeName);

    /// <summary>A job entity's gauges, reported until disposed (in its PostStop).</summary>
    internal static JobGauge TrackJob(string jobId) => Jobs.Add(new JobGauge(JobTag(jobId)));

    /// <summary>A node supervisor's gauges, reported until disposed (in its PostStop).</summary>
    internal static NodeGauge TrackNode(string nodeName, int slots) => Nodes.Add(new NodeGauge(NodeTag(nodeName), slots));

    /// <summary>
    /// What one job entity publishes for the task gauges. Written by the entity alone and read on
    /// the exporter's thread: plain fields behind Volatile, never the entity's collections.
    /// </summary>
    internal sealed class JobGauge : Source
    {
        private long _running, _pending;
        private int _reported;

        internal JobGauge(KeyValuePair<string, object?> tag) : base(tag)
        {
        }

        internal long Running => Volatile.Read(ref _running);

        internal long Pending => Volatile.Read(ref _pending);

        internal override bool Reported => Volatile.Read(ref _reported) == 1;

        /// <summary>The job runs here: these are its numbers now.</summary>
        public void Publish(long running, long pending)
        {
            Volatile.Write(ref _running, running);
            Volatile.Write(ref _pending, pending);
            Volatile.Write(ref _reported, 1);
        }

        /// <summary>The job does not run here (not yet recovered or accepted, or ended): not reported.</summary>
        public void Hide() => Volatile.Write(ref _reported, 0);

        public override void Dispose() => Jobs.Remove(this);
    }

    /// <summary>What one node supervisor publishes for the slot gauges (see <see cref="JobGauge"/> for why so).</summary>
    internal sealed class NodeGauge : Source
    {
        private int _busy;

        internal NodeGauge(KeyValuePair<string, object?> tag, int slots) : base(tag) => Slots = slots;

        internal int Slots { get; }

        internal int Busy => Volatile.Read(ref _busy);

        internal override bool Reported => true;

        /// <summary>A worker took tasks (+1) or is done with them (−1).</summary>
        public void AddBusy(int change) => Interlocked.Add(ref _busy, change);

        public override void Dispose() => Nodes.Remove(this);
    }

    internal abstract class Source(KeyValuePair<string, object?> tag) : IDisposable
    {
        internal KeyValuePair<string, object?> Tag { get; } = tag;

        internal abstract bool Reported { get; }

        public abstract void Dispose();
    }

    /// <summary>
    /// The live sources of one kind. Copy on write: actors add and remove (rarely, at start and
    /// stop) under a lock; the exporter's thread reads the current array without one.
    /// </summary>
    private sealed class Sources<T> where T : Source
    {
        private readonly Lock _gate = new();
        private T[] _all = [];

        public T Add(T source)
        {
            lock (_gate)
            {
                T[] grown = [.. _all, source];
                Volatile.Write(ref _all, grown);
            }
            return source;
        }

        public void Remove(T source)
        {
            lock (_gate) Volatile.Write(ref _all, Array.FindAll(_all, s => !ReferenceEquals(s, source)));
        }

        public IEnumerable<Measurement<long>> Observe(Func<T, long> value)
        {
            var all = Volatile.Read(ref _all);
            var measurements = new List<Measurement<long>>(all.Length);
            foreach (var source in all)
                if (source.Reported) measurements.Add(new Measurement<long>(value(source), source.Tag));
            return measurements;
        }
    }
}
