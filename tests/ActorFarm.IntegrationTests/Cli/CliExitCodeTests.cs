using System.Text.Json;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// The real <c>actorfarm</c> program: exit codes, error text and the promise that bad input starts
/// nothing (no state directory, no journal, no task).
/// </summary>
public class CliExitCodeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_bad_manifest_exits_2_names_file_key_and_line_and_starts_nothing()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var marker = dir.File("ran");
        var manifest = dir.File("bad.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              broken {
                command = ["/usr/bin/touch", "{{marker}}"]
                sweep { n = { from = 5, to = 1 } }
                timeout = soon
                colour = blue
              }
            }
            """);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"));

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("3 errors; nothing was started", stderr);
        Assert.Contains("bad.hocon:4: jobs.broken.sweep.n", stderr);
        Assert.Contains("bad.hocon:5: jobs.broken.timeout", stderr);
        Assert.Contains("bad.hocon:6: jobs.broken.colour", stderr);
        Assert.False(File.Exists(marker));
        Assert.False(Directory.Exists(dir.File("state")), "a rejected manifest must not create the state directory");
    }

    [Fact]
    public async Task Validate_reports_jobs_as_json_and_exits_0_or_2()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var good = dir.File("good.hocon");
        await File.WriteAllTextAsync(good, """
            jobs { a { command = ["/bin/true"], sweep { x = [1, 2, 3] } } }
            """);
        var bad = dir.File("bad.hocon");
        await File.WriteAllTextAsync(bad, """
            jobs { a { command = ["/bin/echo", "${y}"], sweep { x = [1, 2, 3] } } }
            """);

        var ok = await FarmPrograms.RunCliAsync(dir.Path, Limit, "validate", "--manifest", good, "--json");
        var failed = await FarmPrograms.RunCliAsync(dir.Path, Limit, "validate", "--manifest", bad, "--json");

        Assert.Equal(0, ok.ExitCode);
        var valid = JsonDocument.Parse(ok.Stdout).RootElement;
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Equal(3, valid.GetProperty("jobs")[0].GetProperty("tasks").GetInt64());

        Assert.Equal(2, failed.ExitCode);
        var invalid = JsonDocument.Parse(failed.Stdout).RootElement;
        Assert.False(invalid.GetProperty("valid").GetBoolean());
        var error = invalid.GetProperty("errors")[0];
        Assert.Equal("jobs.a.command[1]", error.GetProperty("keyPath").GetString());
        Assert.Contains("${y}", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_run_with_failed_tasks_exits_1_and_one_that_succeeds_exits_0()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              mixed {
                command = ["/bin/sh", "-c", "exit ${code}"]
                sweep { code = [0, 0, 1] }
                output { directory = "out", capture = none }
              }
            }
            """);
        var clean = dir.File("clean.hocon");
        await File.WriteAllTextAsync(clean, """
            jobs {
              clean {
                handler = noop
                sweep { i = { from = 1, to = 50 } }
                output { directory = "out" }
              }
            }
            """);

        var failing = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--progress", "none", "--csv");
        var succeeding = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", clean, "--state-dir", dir.File("state"), "--progress", "none");

        Assert.True(failing.ExitCode == 1, $"exit {failing.ExitCode}\n{failing.Stdout}\n{failing.Stderr}");
        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "mixed", "results.jsonl"));
        Assert.Equal(["failed", "succeeded", "succeeded"], rows.Select(r => r.Outcome()).Order());
        var csv = await File.ReadAllLinesAsync(Path.Combine(dir.Path, "out", "mixed", "results.csv"));
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("index,", csv[0]);

        Assert.True(succeeding.ExitCode == 0, $"exit {succeeding.ExitCode}\n{succeeding.Stdout}\n{succeeding.Stderr}");
        Assert.Equal(50, ResultsFile.Read(Path.Combine(dir.Path, "out", "clean", "results.jsonl")).Count);
    }
}
