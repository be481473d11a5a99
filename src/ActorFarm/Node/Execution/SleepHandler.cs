using System.Globalization;

namespace ActorFarm.Node.Execution;

/// <summary>
/// <c>handler = sleep</c>: waits <c>seconds</c> (an invariant-culture number, fractions allowed)
/// without holding a thread, then returns the optional <c>exit-code</c> (default 0).
/// A missing or invalid argument is a failed result (exit code <see cref="UsageExitCode"/>) with a message.
/// </summary>
internal sealed class SleepHandler : ITaskHandler, IInlineTaskHandler
{
    public const string HandlerName = "sleep";
    public const string SecondsArg = "seconds";
    public const string ExitCodeArg = "exit-code";

    /// <summary>The exit code of a result that reports bad arguments.</summary>
    public const int UsageExitCode = 2;

    public static readonly SleepHandler Instance = new();

    /// <summary>The longest wait <see cref="Task.Delay(TimeSpan, CancellationToken)"/> accepts.</summary>
    private static readonly double MaxSeconds = TimeSpan.FromMilliseconds(uint.MaxValue - 1).TotalSeconds;

    public string Name => HandlerName;

    public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Args.TryGetValue(SecondsArg, out var secondsText))
            return Usage($"sleep: missing argument '{SecondsArg}' (a number of seconds, e.g. {SecondsArg} = 0.5)");
        if (!double.TryParse(secondsText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds < 0 || seconds > MaxSeconds)
            return Usage($"sleep: '{SecondsArg}' must be a number of seconds between 0 and {MaxSeconds:F0}, got '{secondsText}'");

        int exitCode = 0;
        if (context.Args.TryGetValue(ExitCodeArg, out var exitText)
            && !int.TryParse(exitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out exitCode))
            return Usage($"sleep: '{ExitCodeArg}' must be an integer, got '{exitText}'");

        if (seconds == 0) return new(new HandlerResult(exitCode));
        return SleepAsync(TimeSpan.FromSeconds(seconds), exitCode, cancellationToken);
    }

    private static async ValueTask<HandlerResult> SleepAsync(TimeSpan delay, int exitCode, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        return new HandlerResult(exitCode);
    }

    private static ValueTask<HandlerResult> Usage(string message) => new(new HandlerResult(UsageExitCode, message));
}
