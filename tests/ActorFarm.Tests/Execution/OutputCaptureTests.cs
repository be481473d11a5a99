using System.Text;
using System.Text.RegularExpressions;
using ActorFarm.Manifest;
using ActorFarm.Node.Execution;
using static ActorFarm.Testing.ExecutionTestSupport;
using Xunit;

namespace ActorFarm.Tests.Execution;

public class OutputCaptureTests
{
    private const string Notice = "\n[actorfarm: output truncated at 1000 bytes]\n";

    [Fact]
    public async Task Output_beyond_the_cap_is_drained_and_dropped()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, timeout: TimeSpan.FromSeconds(120), maxBytes: 1000);

        var outcome = await Executor.ExecuteAsync(job, Shell(0, "yes abcdefgh | head -c 5000000; yes err | head -c 3000000 >&2"), 1, "n", default);

        Assert.Equal(TaskEndReason.Exited, outcome.Reason);
        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.OutputTruncated);
        var stdout = File.ReadAllText(OutFile(dir.Path, 0));
        Assert.Equal(1000 + Notice.Length, stdout.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat("abcdefgh\n", 111)) + "a" + Notice, stdout);
        var stderr = File.ReadAllText(ErrFile(dir.Path, 0));
        Assert.EndsWith(Notice, stderr);
        Assert.Equal(1000 + Notice.Length, stderr.Length);
    }

    [Fact]
    public async Task Output_at_the_cap_is_not_truncated()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, maxBytes: 1000);

        var outcome = await Executor.ExecuteAsync(job, Shell(0, "head -c 1000 /dev/zero"), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.False(outcome.OutputTruncated);
        Assert.Equal(1000, new FileInfo(OutFile(dir.Path, 0)).Length);
    }

    [Fact]
    public async Task New_attempt_overwrites_the_previous_files()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path);

        await Executor.ExecuteAsync(job, Shell(5, "echo first attempt with a long line; echo oops >&2"), 1, "n", default);
        var outcome = await Executor.ExecuteAsync(job, Shell(5, "echo second"), 2, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("second\n", File.ReadAllText(OutFile(dir.Path, 5)));
        Assert.Equal("", File.ReadAllText(ErrFile(dir.Path, 5)));
    }

    [Fact]
    public async Task Capture_none_writes_nothing()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, capture: OutputCapture.None);

        var outcome = await Executor.ExecuteAsync(job, Shell(0, "head -c 300000 /dev/zero; echo to-stderr >&2"), 1, "n", default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Null(outcome.StdoutPath);
        Assert.False(outcome.OutputTruncated);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "job")));
    }

    [Fact]
    public async Task Combined_log_holds_one_whole_block_per_concurrent_task()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, capture: OutputCapture.Combined, timeout: TimeSpan.FromSeconds(120));
        const int tasks = 20;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, tasks).Select(i => Executor.ExecuteAsync(job,
            Shell(i, $"for n in 1 2 3 4 5; do echo \"task {i} line $n\"; sleep 0.01; done; echo \"task {i} complaint\" >&2; exit {i % 3}"),
            1, "n", default)));

        var log = Path.Combine(dir.Path, "job", "output.n.log");
        Assert.All(outcomes, o => Assert.Equal(TaskEndReason.Exited, o.Reason));
        Assert.All(outcomes, o => Assert.Equal(log, o.StdoutPath));
        var text = File.ReadAllText(log);
        var blocks = Regex.Split(text, "(?m)^(?===> task )").Where(b => b.Length > 0).ToList();
        Assert.Equal(tasks, blocks.Count);
        var seen = new HashSet<int>();
        foreach (var block in blocks)
        {
            var header = Regex.Match(block, @"^==> task (\d+) attempt 1 exit (\d+) <==\n");
            Assert.True(header.Success, block);
            int i = int.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(seen.Add(i));
            var expected = new StringBuilder(header.Value);
            for (int n = 1; n <= 5; n++) expected.Append($"task {i} line {n}\n");
            expected.Append("--- stderr ---\n").Append($"task {i} complaint\n");
            Assert.Equal(expected.ToString(), block);
            Assert.Equal((i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), header.Groups[2].Value);
        }
    }

    [Fact]
    public async Task Combined_block_omits_an_empty_stderr_and_marks_truncation_and_timeout()
    {
        using var dir = new TempDirectory();
        var job = ProcessJob(dir.Path, capture: OutputCapture.Combined, maxBytes: 1000);
        await Executor.ExecuteAsync(job, Shell(1, "printf 'no newline'"), 1, "n", default);
        var truncated = await Executor.ExecuteAsync(job, Shell(2, "head -c 100000 /dev/zero | tr '\\0' x"), 1, "n", default);
        var timedOut = await Executor.ExecuteAsync(job with { Timeout = TimeSpan.FromSeconds(1) }, Shell(3, "echo started; sleep 300"), 2, "n", default);

        Assert.True(truncated.OutputTruncated);
        Assert.Equal(TaskEndReason.TimedOut, timedOut.Reason);
        var text = File.ReadAllText(Path.Combine(dir.Path, "job", "output.n.log"));
        Assert.Equal(
            "==> task 1 attempt 1 exit 0 <==\nno newline\n" +
            "==> task 2 attempt 1 exit 0 <==\n" + new string('x', 1000) + Notice +
            "==> task 3 attempt 2 exit timeout <==\nstarted\n",
            text);
    }
}
