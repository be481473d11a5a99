using System.Text.Json;
using ActorFarm.Logs;
using Akka.Event;

namespace ActorFarm.Tests.Logs;

/// <summary>
/// A log line with <c>actorfarm.logging.format = json</c>: one JSON object on one line whatever
/// the message holds, its fields named as docs/design.md says, the cause and its inner causes
/// nested, frames only with stack traces on.
/// </summary>
public class JsonLogLineTests
{
    /// <summary>The line, checked to be a single line holding one JSON object, parsed.</summary>
    private static JsonElement Parse(string line)
    {
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        var element = JsonDocument.Parse(line).RootElement;
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        return element.Clone();
    }

    [Fact]
    public void An_event_names_its_time_level_source_class_and_thread()
    {
        var warning = new Warning("akka://actorfarm/user/node", typeof(JsonLogLineTests), "node lost with 2 tasks");

        var line = Parse(JsonLogLine.Format(warning, stackTraces: false));

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line.GetProperty("time").GetString());
        Assert.Equal(warning.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            line.GetProperty("time").GetString());
        Assert.Equal("warning", line.GetProperty("level").GetString());
        Assert.Equal("akka://actorfarm/user/node", line.GetProperty("source").GetString());
        Assert.Equal(typeof(JsonLogLineTests).FullName, line.GetProperty("logger").GetString());
        Assert.Equal(Environment.CurrentManagedThreadId, line.GetProperty("thread").GetInt32());
        Assert.Equal("node lost with 2 tasks", line.GetProperty("message").GetString());
        Assert.False(line.TryGetProperty("error", out _));
    }

    [Fact]
    public void An_event_from_a_source_given_as_a_string_names_no_logger()
    {
        var info = new Info("remoting (akka://actorfarm)", typeof(DummyClassForStringSources), "Remoting started");

        var line = Parse(JsonLogLine.Format(info, stackTraces: false));

        Assert.Equal("remoting (akka://actorfarm)", line.GetProperty("source").GetString());
        Assert.False(line.TryGetProperty("logger", out _));
    }

    [Theory]
    [InlineData(LogLevel.DebugLevel, "debug")]
    [InlineData(LogLevel.InfoLevel, "info")]
    [InlineData(LogLevel.WarningLevel, "warning")]
    [InlineData(LogLevel.ErrorLevel, "error")]
    public void Levels_are_named_in_lower_case(LogLevel level, string name)
    {
        LogEvent logEvent = level switch
        {
            LogLevel.DebugLevel => new Debug("src", typeof(JsonLogLineTests), "m"),
            LogLevel.InfoLevel => new Info("src", typeof(JsonLogLineTests), "m"),
            LogLevel.WarningLevel => new Warning("src", typeof(JsonLogLineTests), "m"),
            _ => new Error(new TimeoutException("late"), "src", typeof(JsonLogLineTests), "m"),
        };

        Assert.Equal(name, Parse(JsonLogLine.Format(logEvent, stackTraces: false)).GetProperty("level").GetString());
    }

    /// <summary>Messages a text layout would break on (kept out of the test names: some hold control characters).</summary>
    private static readonly string[] AwkwardMessages =
    [
        "quotes \" and 'single' and a back\\slash",
        "a newline\nand a carriage return\r\nand a tab\tend",
        "control \u0001\u001f characters and a NUL \0 too",
        "non-ASCII: é ü 日本 ✓ and a line separator \u2028 here",
        "{\"looks\":\"like json\"}",
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Any_message_stays_one_line_and_reads_back_as_it_was(int which)
    {
        var message = AwkwardMessages[which];

        var line = JsonLogLine.Format(new Info("src", typeof(JsonLogLineTests), message), stackTraces: true);

        Assert.Equal(message, Parse(line).GetProperty("message").GetString());
    }

    [Fact]
    public void Without_stack_traces_a_message_keeps_its_lines_but_not_the_frames_folded_into_it()
    {
        var message = "AssociationError [a] -> b: Error [boom] [System.Exception: boom\n   at Foo.Bar()\n--- End of stack trace ---\n   at Baz.Qux()]\nlast word";

        var quiet = Parse(JsonLogLine.Format(new Warning("src", typeof(JsonLogLineTests), message), stackTraces: false));
        var verbose = Parse(JsonLogLine.Format(new Warning("src", typeof(JsonLogLineTests), message), stackTraces: true));

        Assert.Equal("AssociationError [a] -> b: Error [boom] [System.Exception: boom\nlast word", quiet.GetProperty("message").GetString());
        Assert.Equal(message, verbose.GetProperty("message").GetString());
    }

    [Fact]
    public void An_exception_is_an_error_object_with_its_inner_exception_nested_and_no_stack_unless_asked()
    {
        var line = Parse(JsonLogLine.Format(new Error(ThrownFailures.JournalWriteOnFullDisk(), "akka://farm/user/job", typeof(JsonLogLineTests), "Persist failed for job j-1"),
            stackTraces: false));

        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("Persist failed for job j-1", line.GetProperty("message").GetString());
        var error = line.GetProperty("error");
        Assert.Equal("System.InvalidOperationException", error.GetProperty("type").GetString());
        Assert.Equal("journal write failed\nsecond line of detail", error.GetProperty("message").GetString());
        Assert.False(error.TryGetProperty("stack", out _));
        var inner = error.GetProperty("inner");
        Assert.Equal("System.IO.IOException", inner.GetProperty("type").GetString());
        Assert.Equal("No space left on device : '/x/journal.db'", inner.GetProperty("message").GetString());
        Assert.False(inner.TryGetProperty("stack", out _));
        Assert.False(inner.TryGetProperty("inner", out _));
    }

    [Fact]
    public void With_stack_traces_each_exception_carries_its_own_frames()
    {
        var error = Parse(JsonLogLine.Format(new Error(ThrownFailures.JournalWriteOnFullDisk(), "src", typeof(JsonLogLineTests), "failed"), stackTraces: true))
            .GetProperty("error");

        Assert.Contains(nameof(ThrownFailures.JournalWriteOnFullDisk), error.GetProperty("stack").GetString());
        Assert.Contains(nameof(ThrownFailures.JournalWriteOnFullDisk), error.GetProperty("inner").GetProperty("stack").GetString());
        Assert.DoesNotContain("IOException", error.GetProperty("stack").GetString());
    }

    [Fact]
    public void A_line_that_is_no_akka_event_has_the_same_layout_without_a_logger()
    {
        var time = new DateTime(2026, 12, 3, 11, 0, 0, 123, DateTimeKind.Utc);

        var line = Parse(JsonLogLine.Format(time, LogLevel.ErrorLevel, "actorfarm", logger: null, thread: 1,
            "the farm could not start: \"state\" is a file", new IOException("not a directory"), stackTraces: false));

        Assert.Equal("2026-12-03T11:00:00.123Z", line.GetProperty("time").GetString());
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("actorfarm", line.GetProperty("source").GetString());
        Assert.False(line.TryGetProperty("logger", out _));
        Assert.Equal(1, line.GetProperty("thread").GetInt32());
        Assert.Equal("the farm could not start: \"state\" is a file", line.GetProperty("message").GetString());
        Assert.Equal("System.IO.IOException", line.GetProperty("error").GetProperty("type").GetString());
        string[] fields = ["time", "level", "source", "thread", "message", "error"];
        Assert.Equal(fields, line.EnumerateObject().Select(p => p.Name));
    }
}
