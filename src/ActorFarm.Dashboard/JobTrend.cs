namespace ActorFarm.Dashboard;

/// <summary>
/// One job's finished-task count over time, as the dashboard saw it: the points of its
/// tasks-per-second plot and its rate and ETA. Bounded whatever the job's length: when the
/// points fill up, every other one is dropped, so a night-long job keeps its whole curve at a
/// coarser step. The ETA is <see cref="ActorFarm.Protocol.JobEta"/>'s, fed this rate.
/// </summary>
internal sealed class JobTrend
{
    private const int MaxPoints = 600;
    // The rate behind the ETA: over about this long, so a burst or a pause does not swing it.
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(30);

    private readonly List<TrendPoint> _points = new(MaxPoints);

    /// <summary>Adds the count seen at <paramref name="at"/> (ignored if the clock did not move on).</summary>
    public void Add(DateTimeOffset at, long done)
    {
        if (_points.Count > 0 && at <= _points[^1].At) return;
        if (_points.Count == MaxPoints)
        {
            // Keep the first and every second point after it: the same curve at half the resolution.
            for (var i = 1; i < MaxPoints / 2; i++) _points[i] = _points[2 * i];
            _points.RemoveRange(MaxPoints / 2, MaxPoints - MaxPoints / 2);
        }
        _points.Add(new TrendPoint(at, done));
    }

    public IReadOnlyList<TrendPoint> Points => _points;

    /// <summary>Tasks finished per second over the last <see cref="RateWindow"/> seen, or null before two points.</summary>
    public double? RatePerSecond
    {
        get
        {
            if (_points.Count < 2) return null;
            var last = _points[^1];
            var first = _points[0];
            for (var i = _points.Count - 2; i >= 0; i--)
            {
                first = _points[i];
                if (last.At - first.At >= RateWindow) break;
            }
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds <= 0 ? null : Math.Max(0, last.Done - first.Done) / seconds;
        }
    }
}

/// <summary>A job's finished tasks (succeeded + failed) at one instant.</summary>
internal readonly record struct TrendPoint(DateTimeOffset At, long Done);
