using ActorFarm.Node.Execution;
using static ActorFarm.Testing.ExecutionTestSupport;
using Xunit;

namespace ActorFarm.Tests.Execution;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ProcessRunnerTests
{
    [Theory]
    [InlineData("; rm -rf {0}")]
    [InlineData("$(touch {0})")]
    [InlineData("`touch {0}` && touch {0} | touch {0}")]
    [InlineData("a b\t'c' \"d\" \\ *")]
    public async Task Argv_element_reaches_the_program_as_exactly_one_inert_argument(string template)
    {
        using var dir = new TempDirectory();
        var victim = dir.File("victim");
        var value = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, victim);
        if (template.StartsWith(';')) Directory.CreateDirectory(victim);

        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Argv(0, "/usr/bin/printf", "[%s]\n", value, "second"), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal($"[{value}]\n[second]\n", File.ReadAllText(OutFile(dir.Path, 0)));
        // Nothing ran: rm did not delete the directory and touch did not create the file.
        Assert.Equal(template.StartsWith(';'), Directory.Exists(victim));
        Assert.False(File.Exists(victim));
    }

    [Fact]
    public async Task Shell_command_runs_through_sh()
    {
        using var dir = new TempDirectory();
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Shell(3, "echo a && echo b; echo c >&2"), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("a\nb\n", File.ReadAllText(OutFile(dir.Path, 3)));
        Assert.Equal("c\n", File.ReadAllText(ErrFile(dir.Path, 3)));
        Assert.Equal(OutFile(dir.Path, 3), outcome.StdoutPath);
        Assert.Equal(ErrFile(dir.Path, 3), outcome.StderrPath);
    }

    [Fact]
    public async Task Exit_code_is_reported()
    {
        using var dir = new TempDirectory();
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, "exit 7"), 1, "n", default);

        Assert.Equal(TaskEndReason.Exited, outcome.Reason);
        Assert.Equal(7, outcome.ExitCode);
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Ended >= outcome.Started);
    }

    [Theory]
    [InlineData("actorfarm-no-such-program-4711", "not found in PATH")]
    [InlineData("/nonexistent/actorfarm/program", "No such file or directory")]
    public async Task Missing_program_fails_to_start_with_a_message(string program, string expected)
    {
        using var dir = new TempDirectory();
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Argv(0, program, "x"), 1, "n", default);

        Assert.Equal(TaskEndReason.FailedToStart, outcome.Reason);
        Assert.Null(outcome.ExitCode);
        Assert.Contains(expected, outcome.Error);
    }

    [Fact]
    public async Task File_without_execute_permission_fails_to_start()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("script.sh"), "#!/bin/sh\necho hi\n");
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Argv(0, dir.File("script.sh")), 1, "n", default);

        Assert.Equal(TaskEndReason.FailedToStart, outcome.Reason);
        Assert.Contains("Permission denied", outcome.Error);
    }

    [Fact]
    public async Task Environment_and_working_directory_are_applied()
    {
        using var dir = new TempDirectory();
        var work = Directory.CreateDirectory(dir.File("work")).FullName;
        var task = Rendered(0, argv: ["/bin/sh", "-c", "pwd; echo \"$AF_TEST_VALUE\"; echo \"${HOME:+home-inherited}\""],
            environment: new() { ["AF_TEST_VALUE"] = "v a l u e" }, workingDirectory: work);

        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), task, 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        var expectedHome = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } ? "home-inherited" : "";
        Assert.Equal($"{work}\nv a l u e\n{expectedHome}\n", File.ReadAllText(OutFile(dir.Path, 0)));
    }

    [Fact]
    public async Task Relative_program_path_is_relative_to_the_working_directory()
    {
        using var dir = new TempDirectory();
        var script = dir.File("hello.sh");
        File.WriteAllText(script, "#!/bin/sh\necho hello \"$1\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Rendered(0, argv: ["./hello.sh", "world"], workingDirectory: dir.Path), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("hello world\n", File.ReadAllText(OutFile(dir.Path, 0)));
    }

    [Fact]
    public async Task Missing_working_directory_fails_to_start()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("does-not-exist");
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Rendered(0, argv: ["/bin/true"], workingDirectory: missing), 1, "n", default);

        Assert.Equal(TaskEndReason.FailedToStart, outcome.Reason);
        Assert.Contains(missing, outcome.Error);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Stdin_is_empty()
    {
        using var dir = new TempDirectory();
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path, timeout: TimeSpan.FromSeconds(60)), Argv(0, "/bin/cat"), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("", File.ReadAllText(OutFile(dir.Path, 0)));
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_tree()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, timeout: TimeSpan.FromSeconds(1));
        var task = Shell(0, "sleep 300 & echo $! > child.pid; wait", workingDirectory: dir.Path);

        var outcome = await Executor.ExecuteAsync(job, task, 1, "n", default);

        Assert.Equal(TaskEndReason.TimedOut, outcome.Reason);
        Assert.Null(outcome.ExitCode);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(60), $"took {outcome.Duration}");
        var pid = int.Parse(File.ReadAllText(dir.File("child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Eventually(() => !IsAlive(pid), TimeSpan.FromSeconds(5)), $"child {pid} survived the timeout");
    }

    [Fact]
    public async Task Cancellation_kills_the_process_tree_and_reports_cancelled()
    {
        using var dir = new TempDirectory();
        using var cts = new CancellationTokenSource();
        var running = Executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, "sleep 300 & echo $! > child.pid; wait", dir.Path), 1, "n", cts.Token);

        Assert.True(await Eventually(() => File.Exists(dir.File("child.pid")) && new FileInfo(dir.File("child.pid")).Length > 0, TimeSpan.FromSeconds(30)));
        await cts.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(TaskEndReason.Cancelled, outcome.Reason);
        Assert.Null(outcome.ExitCode);
        var pid = int.Parse(File.ReadAllText(dir.File("child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Eventually(() => !IsAlive(pid), TimeSpan.FromSeconds(5)), $"child {pid} survived the cancellation");
    }

    [Fact]
    public async Task Already_cancelled_token_starts_nothing()
    {
        using var dir = new TempDirectory();
        var outcome = await Executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, "touch started", dir.Path), 1, "n", new CancellationToken(true));

        Assert.Equal(TaskEndReason.Cancelled, outcome.Reason);
        Assert.False(File.Exists(dir.File("started")));
    }
}
