
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// Input that once hung the real <c>actorfarm</c> program, crashed it or ate gigabytes is refused
/// with exit 2 and one line naming file, key path and line, before anything starts; and the
/// output layout holds through a real run. The generous limit only guards against a hang.
/// </summary>
public class BoundedInputCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static async Task<RunResult> Refused(TempDirectory dir, params string[] args)
    {
        var result = await FarmPrograms.RunCliAsync(dir.Path, Limit, args);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.False(Directory.Exists(dir.File("state")), "refused input must not start a farm");
        return result;
    }

    [Fact]
    public async Task A_device_as_manifest_is_refused()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", "/dev/zero", "--state-dir", dir.File("state"));
        Assert.Contains("/dev/zero: cannot read the manifest: /dev/zero is a character device, not a regular file", stderr);
    }

    [Fact]
    public async Task An_optional_substitution_in_a_list_is_refused_instead_of_loading_for_ever()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("opt.hocon");
        await File.WriteAllTextAsync(manifest, "jobs {\n  w {\n    command = [\"echo\", ${?HOME}]\n  }\n}\n");
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", manifest, "--state-dir", dir.File("state"));
        Assert.Contains("opt.hocon:3: jobs.w.command: optional substitution ${?HOME} is not supported in manifests", stderr);
    }

    [Fact]
    public async Task Nesting_a_hundred_thousand_lists_deep_is_refused_not_a_crash()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("deep.hocon");
        await File.WriteAllTextAsync(manifest, "jobs { w { command = [\"true\"] } }\nx = " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        var (_, _, stderr) = await Refused(dir, "validate", "--manifest", manifest);
        Assert.Contains("deep.hocon:2: the manifest nests deeper than 32 levels", stderr);
    }

    [Fact]
    public async Task A_file_lines_sweep_with_a_line_of_70_MiB_is_refused_at_the_limit()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var lines = dir.File("inputs.txt");
        await using (var file = new FileStream(lines, FileMode.Create, FileAccess.Write))
        {
            file.Write("first line\n"u8);
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)'x');
            for (int i = 0; i < 70; i++) file.Write(chunk);
        }
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              w {
                command = ["/bin/echo", "${line}"]
                sweep { line = { file = "inputs.txt" } }
              }
            }
            """);
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", manifest, "--state-dir", dir.File("state"));
        Assert.Contains($"jobs.hocon:4: jobs.w.sweep.line.file: line 2 of {lines} is longer than 65,536 bytes", stderr);
    }

    [Fact]
    public async Task A_file_lines_sweep_over_dev_zero_is_refused()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              w {
                command = ["/bin/echo", "${z}"]
                sweep { z = { file = "/dev/zero" } }
              }
            }
            """);
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", manifest, "--state-dir", dir.File("state"));
        Assert.Contains("jobs.hocon:4: jobs.w.sweep.z.file: /dev/zero is a character device, not a regular file", stderr);
    }

    [Theory]
    [InlineData("run", "0")]
    [InlineData("run", "-3")]
    [InlineData("node", "0")]
    public async Task Slots_below_one_are_bad_input(string command, string slots)
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """jobs { w { handler = noop } }""");
        string[] args = command == "run"
            ? ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", slots]
            : ["node", "--state-dir", dir.File("state"), "--slots", slots];
        var (_, _, stderr) = await Refused(dir, args);
        Assert.Contains($"actorfarm: --slots must be at least 1, got {slots}", stderr);
    }

    [Fact]
    public async Task The_job_name_dot_dot_is_refused_and_writes_nothing_outside_the_output_directory()
    {
        using var dir = new TempDirectory("actorfarm-input");
        Directory.CreateDirectory(dir.File("sub"));
        var manifest = Path.Combine(dir.Path, "sub", "jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              ".." { handler = noop, output { directory = "out" } }
            }
            """);
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", manifest, "--state-dir", dir.File("state"));
        Assert.Contains("jobs.hocon:2: jobs.\"..\": invalid job name '..'", stderr);
        Assert.False(File.Exists(Path.Combine(dir.Path, "sub", "results.jsonl")));
    }

    [Fact]
    public async Task A_job_name_too_long_for_the_file_system_fails_validate()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var name = new string('a', 300);
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""jobs { {{name}} { command = ["/bin/true"] } }""");
        var (_, _, stderr) = await Refused(dir, "validate", "--manifest", manifest);
        Assert.Contains($"jobs.{name}: the job name is 300 characters long, more than the limit of 200", stderr);
    }

    [Fact]
    public async Task A_nul_in_a_value_is_bad_input()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, "jobs {\n  w {\n    command = [\"/bin/echo\", \"a\\u0000b\"]\n  }\n}\n");
        var (_, _, stderr) = await Refused(dir, "run", "--manifest", manifest, "--state-dir", dir.File("state"));
        Assert.Contains("jobs.hocon:3: jobs.w.command[1]: the value holds a NUL character", stderr);
    }

    [Fact]
    public async Task A_templated_output_directory_holds_the_results_beside_the_task_output()
    {
        using var dir = new TempDirectory("actorfarm-input");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              greet {
                command = ["/bin/echo", "hello ${n}"]
                sweep { n = [1, 2, 3] }
                output { directory = "out/${job}" }
              }
            }
            """);
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--progress", "none");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");

        var jobDirectory = Path.Combine(dir.Path, "out", "greet", "greet");
        var rows = ResultsFile.Read(Path.Combine(jobDirectory, "results.jsonl"));
        Assert.Equal(3, rows.Count);
        foreach (var row in rows)
        {
            var stdoutFile = row.GetProperty("stdout").GetString()!;
            Assert.Equal(Path.Combine(jobDirectory, "tasks", $"{row.Index()}.out"), stdoutFile);
            Assert.Equal($"hello {row.Parameter("n")}\n", await File.ReadAllTextAsync(stdoutFile));
        }
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "${job}")), "nothing may land in a folder named ${job}");
    }
}
