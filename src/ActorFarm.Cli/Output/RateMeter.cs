namespace ActorFarm.Cli.Output;

/// <summary>Tasks per second over a sliding window, and the time left at that rate.</summary>
internal sealed class RateMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Queue<(DateTime At, long Done)> _samples = new();

    public void Sample(long done, DateTime now)
    {
        _samples.Enqueue((now, done));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window) _samples.Dequeue();
    }

    public double PerSecond
    {
        get
        {
            if (_samples.Count < 2) return 0;
            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds <= 0 ? 0 : (last.Done - first.Done) / seconds;
        }
    }

    public TimeSpan? Remaining(long left)
    {
        var rate = PerSecond;
        return rate <= 0 ? null : TimeSpan.FromSeconds(Math.Min(left / rate, TimeSpan.MaxValue.TotalSeconds / 2));
    }
}
