using ActorFarm.Logs;
using Akka.Event;

namespace ActorFarm.Cli.Output;

/// <summary>
/// The one place the <c>actorfarm</c> process writes its own lines on standard error (its errors,
/// its notices, the last word after a stop signal), in the format of the process's log:
/// <c>actorfarm: …</c> for a person, or with <c>--log-format json</c> one JSON object per line in
/// the farm's own layout (<see cref="JsonLogLine"/>), so a machine reading stderr parses every line.
/// </summary>
/// <remarks>
/// The format belongs to the process, not to a command: <c>Main</c> sets it once from the command
/// line before anything is written, and <see cref="CliConfig"/> hands it to every farm and client
/// the command starts, so Akka's lines read like these.
/// </remarks>
internal static class CliLog
{
    /// <summary>The <c>source</c> of the CLI's own JSON lines (Akka's name an actor or a system).</summary>
    private const string Source = "actorfarm";

    private static volatile bool _json;

    /// <summary>Whether standard error takes JSON lines (<c>--log-format json</c>).</summary>
    public static bool Json => _json;

    /// <summary>Called once by <c>Main</c>, before any line is written.</summary>
    public static void UseJson(bool json) => _json = json;

    /// <summary>
    /// A failure: <c>actorfarm: message</c>, and with <paramref name="verbose"/> the stack trace of
    /// <paramref name="cause"/> after it; in JSON one <c>error</c> object naming the cause (its stack
    /// only when verbose).
    /// </summary>
    public static void Error(string message, Exception? cause = null, bool verbose = false)
    {
        if (_json)
        {
            Console.Error.WriteLine(JsonLine(LogLevel.ErrorLevel, message, cause, verbose));
            return;
        }
        Console.Error.WriteLine("actorfarm: " + message);
        if (verbose && cause is not null)
            Console.Error.WriteLine(cause);
    }

    /// <summary>Something the user must know that is no failure (an access file was created): one <c>info</c> line.</summary>
    public static void Notice(string message) =>
        Console.Error.WriteLine(_json ? JsonLine(LogLevel.InfoLevel, message, cause: null, stackTraces: false) : "actorfarm: " + message);

    /// <summary>
    /// A failure with its details (a manifest's errors): the summary, then each detail indented on a
    /// line of its own; in JSON one <c>error</c> object, the details a line each of its message.
    /// </summary>
    public static void Report(string summary, IReadOnlyList<string> details)
    {
        if (_json)
        {
            Console.Error.WriteLine(JsonLine(LogLevel.ErrorLevel, string.Join('\n', details.Prepend(summary)), cause: null, stackTraces: false));
            return;
        }
        Console.Error.WriteLine(summary);
        foreach (var detail in details) Console.Error.WriteLine("  " + detail);
    }

    /// <summary>A hint for the person at the terminal ("Try 'actorfarm --help'."): no line in JSON, where the errors before it say all.</summary>
    public static void Hint(string line)
    {
        if (!_json) Console.Error.WriteLine(line);
    }

    private static string JsonLine(LogLevel level, string message, Exception? cause, bool stackTraces) =>
        JsonLogLine.Format(DateTime.UtcNow, level, Source, logger: null, Environment.CurrentManagedThreadId, message, cause, stackTraces);
}
