using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorFarm.Metrics;

namespace ActorFarm.Tests.Metrics;

/// <summary>
/// Listens to the farm's meter as an exporter would, keeping only the measurements tagged with
/// this test's job or node: the tests share one process and the meter is static, so every other
/// test's farm records on the same instruments at the same time.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string? _job;
    private readonly string? _node;
    private readonly ConcurrentQueue<Measured> _recorded = new();
    // Filled by RecordObservableInstruments, which calls back on the calling thread.
    private readonly List<Measured> _observed = new();

    public MetricsRecorder(string? job = null, string? node = null)
    {
        _job = job;
        _node = node;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FarmMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Take(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Take(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>One measurement: the instrument's name, the value and the job and node tags.</summary>
    public sealed record Measured(string Name, double Value, string? Job, string? Node);

    /// <summary>The sum of what <paramref name="name"/> recorded for the job (or the node).</summary>
    public double Sum(string name) => Recorded(name).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="name"/> recorded for the job (or the node).</summary>
    public int Count(string name) => Recorded(name).Count();

    public IEnumerable<Measured> Recorded(string name) => _recorded.Where(m => m.Name == name);

    /// <summary>Reads the observable gauges now, as an exporter's collection does.</summary>
    public IReadOnlyList<Measured> Observe()
    {
        lock (_observed)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.ToList();
        }
    }

    /// <summary>The value a gauge reported at <paramref name="observation"/> for the job (or the node), if it reported one.</summary>
    public static double? Gauge(IReadOnlyList<Measured> observation, string name) =>
        observation.SingleOrDefault(m => m.Name == name)?.Value;

    private void Take<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        string? job = null, node = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "job") job = tag.Value as string;
            else if (tag.Key == "node") node = tag.Value as string;
        }
        if ((_job is null || job != _job) && (_node is null || node != _node)) return;
        var measured = new Measured(instrument.Name, Convert.ToDouble(value), job, node);
        if (instrument.IsObservable) _observed.Add(measured);
        else _recorded.Enqueue(measured);
    }

    public void Dispose() => _listener.Dispose();
}
