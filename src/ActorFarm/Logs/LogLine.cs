using System.Text;
using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// How one Akka log event reads on standard error. Akka's own layout (level, UTC time, thread,
/// source), so tools that read it (and the tests that take times from it) keep working; by
/// default exactly one line, the cause named by its type and message, because a user reading a
/// terminal or a SLURM output file needs the cause, not the frames. Stack traces are for
/// <c>--verbose</c> (<c>actorfarm.logging.stack-traces = on</c>).
/// </summary>
internal static class LogLine
{
    public static string Format(LogEvent logEvent, bool stackTraces)
    {
        var text = new StringBuilder()
            .Append('[').Append(LevelName(logEvent.LogLevel())).Append(']')
            .Append('[').Append(logEvent.Timestamp.ToString("MM/dd/yyyy HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture)).Append(']')
            .Append("[Thread ").Append(logEvent.Thread.ManagedThreadId.ToString("0000")).Append(']')
            .Append('[').Append(logEvent.LogSource).Append("] ");
        var message = MessageText(logEvent);
        if (stackTraces)
        {
            text.Append(message);
            if (logEvent.Cause is { } cause)
                text.Append(Environment.NewLine).Append("Cause: ").Append(cause);
            return text.ToString();
        }
        text.Append(OneLine(message));
        if (logEvent.Cause is { } reason)
            text.Append(" (").Append(Describe(reason)).Append(')');
        return text.ToString();
    }

    /// <summary>
    /// An exception and its inner exceptions as one line: <c>Type: message ← Inner: message</c>,
    /// each message's first line only. What the user sees of a failure when not verbose.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        foreach (var e in ErrorText.Chain(exception))
        {
            if (e is AggregateException) continue;
            var part = $"{e.GetType().Name}: {ErrorText.FirstLine(e.Message)}";
            if (parts.Count == 0 || parts[^1] != part)
                parts.Add(part);
        }
        return parts.Count == 0 ? $"{exception.GetType().Name}: {ErrorText.FirstLine(exception.Message)}" : string.Join(" ← ", parts);
    }

    /// <summary>
    /// A multi-line message (Akka folds some exceptions into the text itself) joined into one
    /// line, without its stack frames: what the message says is kept, where the code was is not.
    /// </summary>
    public static string OneLine(string message) =>
        message.Contains('\n') ? string.Join(" | ", MeaningfulLines(message)) : message;

    /// <summary>
    /// The same message without its stack frames but still in its lines, for a layout that keeps
    /// newlines inside one line (JSON escapes them).
    /// </summary>
    internal static string WithoutStackFrames(string message) =>
        message.Contains('\n') ? string.Join("\n", MeaningfulLines(message)) : message;

    /// <summary>The lines of a message that say something: not blank, not a stack frame; trimmed.</summary>
    private static IEnumerable<string> MeaningfulLines(string message) =>
        message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !IsStackFrame(l));

    private static bool IsStackFrame(string trimmedLine) =>
        trimmedLine.StartsWith("at ", StringComparison.Ordinal)
        || trimmedLine.StartsWith("--- End of", StringComparison.Ordinal);

    internal static string MessageText(LogEvent logEvent)
    {
        try
        {
            return logEvent.Message?.ToString() ?? "";
        }
        catch (FormatException e)
        {
            // A log call with a broken format string must not take the logger down with it.
            return $"(unformattable log message: {e.Message})";
        }
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARNING",
        LogLevel.ErrorLevel => "ERROR",
        _ => level.ToString().ToUpperInvariant(),
    };
}
