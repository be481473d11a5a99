namespace ActorFarm.Testing;

/// <summary>Polling for a condition that another process makes true.</summary>
public static class Waiting
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout) => UntilAsync(condition, timeout, TimeSpan.FromMilliseconds(50));

    /// <summary>Polls every <paramref name="interval"/>: short for a moment that passes quickly (a process's start-up).</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(interval);
        }
    }
}
