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

    /// <summary>
    /// As <see cref="UntilAsync(Func{bool}, TimeSpan, TimeSpan)"/> for a condition that awaits (an
    /// HTTP request to a server in this process): awaited, never blocked on, so a busy thread pool
    /// cannot starve the server that would make it true.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(interval);
        }
    }
}
