using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// How one log line reads on standard error with <c>actorfarm.logging.format = json</c>: one JSON
/// object per line, for a machine (a log shipper, a script reading a SLURM output file). The one
/// owner of that layout: the farm's loggers and the CLI's own lines all come through here, so every
/// line of a process's stderr parses alike. Written by <see cref="Utf8JsonWriter"/>, so a message
/// with newlines, quotes or control characters stays one line of valid JSON.
/// </summary>
/// <remarks>
/// <c>{"time":"2026-12-03T11:00:00.123Z","level":"warning","source":"akka://…","logger":"ActorFarm.Node.NodeSupervisor","thread":12,"message":"…","error":{"type":"System.IO.IOException","message":"…","stack":"…","inner":{…}}}</c>.
/// <c>logger</c> only when the event names its class; <c>error</c> only when it carries an
/// exception, its inner exceptions nested under <c>inner</c>; <c>stack</c> only with stack traces on
/// (<c>actorfarm.logging.stack-traces</c>, <c>--verbose</c>).
/// </remarks>
internal static class JsonLogLine
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Paths and messages stay readable ('quotes', non-ASCII) as in the CLI's --json; quotes,
        // backslashes, newlines and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Format(LogEvent logEvent, bool stackTraces)
    {
        var message = LogLine.MessageText(logEvent);
        // Akka folds some exceptions into the text itself: without stack traces their frames go,
        // as on a text line; what the message says stays, newlines and all.
        return Format(logEvent.Timestamp, logEvent.LogLevel(), logEvent.LogSource, LoggerName(logEvent.LogClass),
            logEvent.Thread.ManagedThreadId, stackTraces ? message : LogLine.WithoutStackFrames(message), logEvent.Cause, stackTraces);
    }

    /// <summary>
    /// A line that is no Akka event (the CLI's own errors and notices), in the same layout:
    /// <paramref name="time"/> is UTC, a null <paramref name="logger"/> leaves that field out.
    /// </summary>
    public static string Format(DateTime time, LogLevel level, string source, string? logger, int thread, string message,
        Exception? cause, bool stackTraces)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("time", time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("source", source);
            if (logger is not null) json.WriteString("logger", logger);
            json.WriteNumber("thread", thread);
            json.WriteString("message", message);
            if (cause is not null)
            {
                json.WritePropertyName("error");
                WriteError(json, cause, stackTraces);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The exception and its inner exceptions, each nested in the one before under <c>inner</c>;
    /// each with its own frames only, so no frame is written twice.
    /// </summary>
    private static void WriteError(Utf8JsonWriter json, Exception exception, bool stackTraces)
    {
        var depth = 0;
        foreach (var e in ErrorText.Chain(exception))
        {
            if (depth++ > 0) json.WritePropertyName("inner");
            json.WriteStartObject();
            json.WriteString("type", e.GetType().FullName);
            json.WriteString("message", e.Message);
            if (stackTraces && e.StackTrace is { } stack) json.WriteString("stack", stack);
        }
        for (; depth > 0; depth--) json.WriteEndObject();
    }

    /// <summary>
    /// The class that logged, when the event knows it: a source given as a string carries Akka's
    /// marker class instead (most of remoting's and the cluster's lines), which names nothing.
    /// </summary>
    private static string? LoggerName(Type? logClass) =>
        logClass is null || logClass == typeof(DummyClassForStringSources) ? null : logClass.FullName;

    /// <summary><c>debug</c>, <c>info</c>, <c>warning</c>, <c>error</c>: the text layout's level names, in lower case as JSON fields go.</summary>
    internal static string LevelName(LogLevel level) => LogLine.LevelName(level).ToLowerInvariant();
}
