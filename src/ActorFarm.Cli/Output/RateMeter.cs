using ActorFarm.Protocol;

namespace ActorFarm.Cli.Output;

/// <summary>Tasks per second over a sliding window (the time left is <see cref="JobEta"/>'s).</summary>
internal sealed class RateMeter
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Queue<(DateTime At, long Done)> _samples = new();

    public void Sample(long done, DateTime now)
    {
        _samples.Enqueue((now, done));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window) _samples.Dequeue();
    }

    /// <summary>Null before two samples.</summary>
    public double? PerSecond
    {
        get
        {
            if (_samples.Count < 2) return null;
            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds <= 0 ? 0 : (last.Done - first.Done) / seconds;
        }
    }
}
