using System.Text.Json;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// <c>--log-format json</c> on the real <c>actorfarm</c> program: every line on standard error is
/// one JSON object in the log layout (Akka's lines, the startup logger's and the command's own
/// errors alike), standard output is unchanged, and a format it does not know is bad input.
/// </summary>
public class JsonLogFormatTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static readonly string[] Levels = ["debug", "info", "warning", "error"];

    private static string Describe(RunResult run) =>
        $"exit {run.ExitCode}\n--- stdout ---\n{run.Stdout}\n--- stderr ---\n{run.Stderr}";

    /// <summary>Every line of <paramref name="stderr"/> is a JSON object with the log fields (and there is one at least); returns them.</summary>
    private static List<JsonElement> AssertJsonLogLines(string stderr, string context)
    {
        var lines = OutputStreams.Lines(stderr);
        Assert.True(lines.Length > 0, $"nothing on stderr\n{context}");
        var logs = new List<JsonElement>();
        foreach (var line in lines)
        {
            JsonElement log;
            try
            {
                log = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                Assert.Fail($"stderr line is not JSON: {line}\n--- context ---\n{context}");
                throw;
            }
            Assert.True(log.ValueKind == JsonValueKind.Object, $"stderr line is JSON but not an object: {line}\n{context}");
            Assert.True(log.TryGetProperty("time", out var time) && time.TryGetDateTimeOffset(out _), $"no time: {line}");
            Assert.True(log.TryGetProperty("level", out var level) && Levels.Contains(level.GetString()), $"no level: {line}");
            Assert.True(log.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String, $"no source: {line}");
            Assert.True(log.TryGetProperty("thread", out var thread) && thread.ValueKind == JsonValueKind.Number, $"no thread: {line}");
            Assert.True(log.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String, $"no message: {line}");
            logs.Add(log);
        }
        return logs;
    }

    [Fact]
    public async Task A_verbose_run_writes_only_json_log_objects_on_stderr_and_only_json_on_stdout()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              clean {
                handler = noop
                sweep { i = { from = 1, to = 40 } }
                output { directory = "out" }
              }
            }
            """);

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--json", "--log-format", "json", "-v");

        Assert.True(run.ExitCode == 0, Describe(run));
        var events = OutputStreams.AssertJsonLines(run.Stdout, Describe(run));
        Assert.Equal("summary", events[^1].GetProperty("event").GetString());
        var logs = AssertJsonLogLines(run.Stderr, Describe(run));
        // -v: Akka's INFO lines, each naming the class that logged it.
        Assert.Contains(logs, l => l.GetProperty("level").GetString() == "info" && l.TryGetProperty("logger", out _));
    }

    [Fact]
    public async Task The_commands_own_error_is_a_json_object_naming_the_cause_with_its_stack_when_verbose()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, "jobs { clean { handler = noop, sweep { i = [1] } } }");
        var notADirectory = dir.File("state-is-a-file");
        await File.WriteAllTextAsync(notADirectory, "not a state directory");

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", notADirectory, "--log-format", "json", "--verbose");

        Assert.True(run.ExitCode == 3, Describe(run));
        var error = Assert.Single(AssertJsonLogLines(run.Stderr, Describe(run)), l => l.GetProperty("source").GetString() == "actorfarm");
        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Contains(notADirectory, error.GetProperty("message").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetProperty("stack").GetString()), Describe(run));
    }

    [Fact]
    public async Task Bad_arguments_and_a_bad_manifest_are_json_objects_too()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("bad.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              broken {
                handler = noop
                sweep { i = [1] }
                timeout = soon
                colour = blue
              }
            }
            """);

        var slots = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", "0", "--log-format", "json");
        var invalid = await FarmPrograms.RunCliAsync(dir.Path, Limit, "validate", "--manifest", manifest, "--log-format", "json");

        Assert.True(slots.ExitCode == 2, Describe(slots));
        var refused = Assert.Single(AssertJsonLogLines(slots.Stderr, Describe(slots)));
        Assert.Equal("error", refused.GetProperty("level").GetString());
        Assert.Equal("--slots must be at least 1, got 0", refused.GetProperty("message").GetString());

        Assert.True(invalid.ExitCode == 2, Describe(invalid));
        var report = Assert.Single(AssertJsonLogLines(invalid.Stderr, Describe(invalid))).GetProperty("message").GetString()!;
        Assert.Matches(@"^\S*bad\.hocon: \d+ errors; nothing was started\.\n", report);
        Assert.Contains("bad.hocon:5: jobs.broken.timeout", report);
        Assert.Contains("bad.hocon:6: jobs.broken.colour", report);
    }

    [Fact]
    public async Task A_format_other_than_text_or_json_is_bad_input()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, "jobs { clean { handler = noop, sweep { i = [1] } } }");

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--log-format", "xml");

        Assert.True(run.ExitCode == 2, Describe(run));
        Assert.Contains("'xml'", run.Stderr);
        Assert.False(Directory.Exists(dir.File("state")), "refused input must not start a farm");
    }
}
