
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// The real <c>actorfarm</c> program keeps its streams apart: with <c>--json</c> standard output is
/// JSON lines and nothing else, every log line is on standard error, and a farm error is one line
/// there naming the cause, its stack trace only with <c>--verbose</c>. Off a terminal, tables are
/// one line per row with every value whole.
/// </summary>
public class CliStreamsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static string Describe(RunResult run) =>
        $"exit {run.ExitCode}\n--- stdout ---\n{run.Stdout}\n--- stderr ---\n{run.Stderr}";

    private static async Task<string> NoopManifestAsync(TempDirectory dir)
    {
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
        return manifest;
    }

    [Fact]
    public async Task A_json_run_prints_only_json_lines_on_stdout_and_its_log_on_stderr()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = await NoopManifestAsync(dir);

        var verbose = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state-verbose"), "--json", "--verbose");
        var quiet = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state-quiet"), "--json");

        Assert.True(verbose.ExitCode == 0, Describe(verbose));
        var events = OutputStreams.AssertJsonLines(verbose.Stdout, Describe(verbose));
        Assert.Equal("summary", events[^1].GetProperty("event").GetString());
        Assert.NotEmpty(OutputStreams.LogLines(verbose.Stderr, "INFO"));

        // The default verbosity of a successful run: its JSON, and not one warning or trace.
        // One exception is a real signal rather than noise: a machine so starved (other test
        // processes on 2 cores) that the shard coordinator's own state took over 5 s to update.
        Assert.True(quiet.ExitCode == 0, Describe(quiet));
        OutputStreams.AssertJsonLines(quiet.Stdout, Describe(quiet));
        var warnings = OutputStreams.LogLines(quiet.Stderr, "WARNING").Concat(OutputStreams.LogLines(quiet.Stderr, "ERROR"))
            .Where(l => !l.Contains("within 'updating-state-timeout'", StringComparison.Ordinal));
        Assert.True(!warnings.Any(), Describe(quiet));
        Assert.True(!OutputStreams.StackFrames(quiet.Stderr).Any(), Describe(quiet));
    }

    [Fact]
    public async Task Off_a_terminal_the_summary_keeps_every_job_id_and_results_path_whole_on_one_line()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        // Long enough that an 80-column table would have to wrap both (as it did).
        string[] names = ["a-job-name-of-forty-characters-for-table", "another-job-name-forty-characters-long-2"];
        var output = Path.Combine("a-rather-long-output-directory-name-for-results", "and-a-second-level-that-is-long-as-well");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              {{names[0]}} { handler = noop, sweep { i = [1, 2, 3] }, output { directory = "{{output}}" } }
              {{names[1]}} { handler = noop, sweep { i = [1, 2] }, output { directory = "{{output}}" } }
            }
            """);

        var validate = await FarmPrograms.RunCliAsync(dir.Path, Limit, "validate", "--manifest", manifest, "--json");
        Assert.True(validate.ExitCode == 0, Describe(validate));
        var ids = OutputStreams.AssertJsonLines(validate.Stdout, Describe(validate))[^1].GetProperty("jobs")
            .EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!, j => j.GetProperty("id").GetString()!);

        // Standard output is a pipe here, as in a log, CI or a SLURM output file.
        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", manifest, "--state-dir", dir.File("state"));

        Assert.True(run.ExitCode == 0, Describe(run));
        var lines = OutputStreams.Lines(run.Stdout).Concat(OutputStreams.Lines(run.Stderr)).ToList();
        foreach (var name in names)
        {
            var jobDirectory = Path.Combine(dir.Path, output, name);
            var results = Assert.Single(Directory.GetFiles(jobDirectory, "results.*"), f => !f.EndsWith(".partial", StringComparison.Ordinal));
            Assert.True(lines.Any(l => l.Contains(ids[name], StringComparison.Ordinal) && l.Contains(results, StringComparison.Ordinal)),
                $"no line holds both {ids[name]} and {results}\n{Describe(run)}");
        }
        Assert.True(!lines.Any(l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("[ERROR]", StringComparison.Ordinal)), Describe(run));
    }

    [Fact]
    public async Task A_farm_that_cannot_start_says_why_in_one_line_and_shows_the_trace_only_with_verbose()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = await NoopManifestAsync(dir);
        var notADirectory = dir.File("state-is-a-file");
        await File.WriteAllTextAsync(notADirectory, "not a state directory");

        var plain = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", manifest, "--state-dir", notADirectory, "--json");
        var verbose = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", manifest, "--state-dir", notADirectory, "--verbose");

        Assert.True(plain.ExitCode == 3, Describe(plain));
        var line = Assert.Single(OutputStreams.Lines(plain.Stderr));
        Assert.StartsWith("actorfarm: ", line);
        Assert.Contains(notADirectory, line);
        var error = OutputStreams.AssertJsonLines(plain.Stdout, Describe(plain))[^1];
        Assert.Equal("error", error.GetProperty("event").GetString());

        Assert.True(verbose.ExitCode == 3, Describe(verbose));
        Assert.StartsWith("actorfarm: ", OutputStreams.Lines(verbose.Stderr)[0]);
        Assert.NotEmpty(OutputStreams.StackFrames(verbose.Stderr));
    }

    [Fact]
    public async Task Every_client_command_exits_3_in_one_line_when_nothing_listens_at_the_cluster_address()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = await NoopManifestAsync(dir);
        var nowhere = $"127.0.0.1:{FreePort.Next()}";
        // The client holds a farm's access file (where it looks by default): what fails is the farm.
        ActorFarm.Security.AccessFileStore.Open(dir.File(".actorfarm/access.pem"), createIfMissing: true).Dispose();
        string[][] commands =
        [
            ["submit", "--manifest", manifest, "--wait"],
            ["status"],
            ["status", "clean-00000000"],
            ["cancel", "clean-00000000"],
            ["results", "clean-00000000"],
            ["rerun", "clean-00000000", "--failed"],
        ];

        // The bound is the client's connect timeout (30 s by default, 3 s set here as a user
        // would); the limit only keeps a hang from stalling the suite.
        var timeouts = ClientTimeouts.Write(dir.Path, connect: TimeSpan.FromSeconds(3));
        var runs = await Task.WhenAll(commands.Select(args =>
            FarmPrograms.RunCliAsync(dir.Path, Limit, [.. args, "--cluster", nowhere, "--json", "--config", timeouts])));

        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 3, Describe(run));
            var error = OutputStreams.AssertJsonLines(run.Stdout, Describe(run))[^1];
            Assert.Equal("error", error.GetProperty("event").GetString());
            var line = Assert.Single(OutputStreams.Lines(run.Stderr));
            Assert.StartsWith($"actorfarm: no farm answered at {nowhere} within 3 s", line);
        }
    }
}
