namespace ActorFarm.Node.Execution;

/// <summary>Turns a job's per-attempt timeout into a cancellation source linked to the worker's token.</summary>
internal static class TaskTimeout
{
    /// <summary>The longest delay <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> accepts.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Whether the timeout limits anything: positive and within what a timer can express
    /// (the manifest rejects other values; a longer one is as good as none).</summary>
    public static bool IsActive(TimeSpan? timeout) => timeout is { } t && t > TimeSpan.Zero && t <= Longest;

    /// <summary>A source cancelled when <paramref name="cancellationToken"/> is or the timeout passes (if active).</summary>
    public static CancellationTokenSource CreateSource(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var source = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        if (IsActive(timeout)) source.CancelAfter(timeout!.Value);
        return source;
    }

    /// <summary>The reason for an attempt interrupted by a token from <see cref="CreateSource"/>.</summary>
    public static TaskEndReason ReasonFor(CancellationToken workerToken) =>
        workerToken.IsCancellationRequested ? TaskEndReason.Cancelled : TaskEndReason.TimedOut;

    public static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 && timeout.Milliseconds == 0
            ? $"{timeout.TotalSeconds:0}s"
            : $"{timeout.TotalMilliseconds:0}ms";
}
