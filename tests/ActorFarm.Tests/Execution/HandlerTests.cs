using ActorFarm.Node.Execution;
using static ActorFarm.Testing.ExecutionTestSupport;
using Xunit;

namespace ActorFarm.Tests.Execution;

public class HandlerTests
{
    private const string Out = "/nonexistent/actorfarm-handler-output";

    [Fact]
    public async Task Noop_completes_synchronously_with_success()
    {
        var running = Executor.ExecuteAsync(HandlerJob("noop", Out), Rendered(0), 1, "n", default);

        Assert.True(running.IsCompletedSuccessfully);
        var outcome = await running;
        Assert.True(outcome.Succeeded);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task Noop_with_a_timeout_still_completes_synchronously()
    {
        using var cts = new CancellationTokenSource();
        var running = Executor.ExecuteAsync(HandlerJob("noop", Out, TimeSpan.FromSeconds(5)), Rendered(0), 1, "n", cts.Token);

        Assert.True(running.IsCompletedSuccessfully);
        Assert.True((await running).Succeeded);
    }

    [Fact]
    public async Task Noop_handler_returns_a_completed_value_task()
    {
        var context = new HandlerContext("job", 0, 1, "n", new Dictionary<string, string>(), new Dictionary<string, string>());
        var result = NoopHandler.Instance.RunAsync(context, default);

        Assert.True(result.IsCompletedSuccessfully);
        Assert.Equal(HandlerResult.Success, await result);
    }

    [Fact]
    public async Task Sleep_waits_and_returns_the_requested_exit_code()
    {
        var task = Rendered(0, handlerArgs: new() { ["seconds"] = "0.05", ["exit-code"] = "3" });
        var outcome = await Executor.ExecuteAsync(HandlerJob("sleep", Out), task, 1, "n", default);

        Assert.Equal(TaskEndReason.Exited, outcome.Reason);
        Assert.Equal(3, outcome.ExitCode);
        Assert.True(outcome.Duration >= TimeSpan.FromMilliseconds(40), $"took {outcome.Duration}");
    }

    [Theory]
    [InlineData(null, null, "missing argument 'seconds'")]
    [InlineData("soon", null, "got 'soon'")]
    [InlineData("-1", null, "got '-1'")]
    [InlineData("NaN", null, "got 'NaN'")]
    [InlineData("0", "x", "'exit-code' must be an integer")]
    public async Task Sleep_with_bad_arguments_fails_with_a_clear_message(string? seconds, string? exitCode, string expected)
    {
        var args = new Dictionary<string, string>();
        if (seconds is not null) args["seconds"] = seconds;
        if (exitCode is not null) args["exit-code"] = exitCode;

        var outcome = await Executor.ExecuteAsync(HandlerJob("sleep", Out), Rendered(0, handlerArgs: args), 1, "n", default);

        Assert.Equal(TaskEndReason.Exited, outcome.Reason);
        Assert.Equal(SleepHandler.UsageExitCode, outcome.ExitCode);
        // The handler's own words: its message (exported as "message"), not a runner error.
        Assert.Contains(expected, outcome.Message);
    }

    [Fact]
    public async Task Long_sleep_times_out()
    {
        var task = Rendered(0, handlerArgs: new() { ["seconds"] = "300" });
        var outcome = await Executor.ExecuteAsync(HandlerJob("sleep", Out, TimeSpan.FromMilliseconds(200)), task, 1, "n", default)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(TaskEndReason.TimedOut, outcome.Reason);
        Assert.Null(outcome.ExitCode);
        Assert.Contains("timed out after 200ms", outcome.Error);
    }

    [Fact]
    public async Task Worker_cancellation_of_a_sleep_is_cancelled_not_timed_out()
    {
        using var cts = new CancellationTokenSource();
        var task = Rendered(0, handlerArgs: new() { ["seconds"] = "300" });
        var running = Executor.ExecuteAsync(HandlerJob("sleep", Out, TimeSpan.FromSeconds(600)), task, 1, "n", cts.Token);
        await cts.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(TaskEndReason.Cancelled, outcome.Reason);
    }

    [Fact]
    public async Task Handler_that_ignores_its_token_still_times_out()
    {
        var stuck = new TaskCompletionSource<HandlerResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new TaskExecutor(TaskHandlerRegistry.CreateDefault().Register(new DelegateHandler("stuck", (_, _) => new(stuck.Task))));

        var outcome = await executor.ExecuteAsync(HandlerJob("stuck", Out, TimeSpan.FromMilliseconds(200)), Rendered(0), 1, "n", default)
            .WaitAsync(TimeSpan.FromSeconds(60));
        stuck.SetException(new InvalidOperationException("late failure, observed by the executor"));

        Assert.Equal(TaskEndReason.TimedOut, outcome.Reason);
    }

    [Fact]
    public async Task Exceptions_from_handlers_are_handler_failures()
    {
        var registry = TaskHandlerRegistry.CreateDefault()
            .Register(new DelegateHandler("throws-now", (_, _) => throw new InvalidOperationException("boom now")))
            .Register(new DelegateHandler("throws-later", async (_, ct) =>
            {
                await Task.Delay(10, ct);
                throw new FormatException("boom later");
            }))
            .Register(new DelegateHandler("cancels-itself", (_, _) => throw new OperationCanceledException("gave up")));
        var executor = new TaskExecutor(registry);

        var now = await executor.ExecuteAsync(HandlerJob("throws-now", Out), Rendered(0), 1, "n", default);
        var later = await executor.ExecuteAsync(HandlerJob("throws-later", Out, TimeSpan.FromSeconds(30)), Rendered(0), 1, "n", default);
        var self = await executor.ExecuteAsync(HandlerJob("cancels-itself", Out, TimeSpan.FromSeconds(30)), Rendered(0), 1, "n", default);

        Assert.Equal((TaskEndReason.HandlerFailed, "boom now"), (now.Reason, now.Error));
        Assert.Equal((TaskEndReason.HandlerFailed, "boom later"), (later.Reason, later.Error));
        Assert.Equal((TaskEndReason.HandlerFailed, "gave up"), (self.Reason, self.Error));
        Assert.Null(now.ExitCode);
    }

    [Fact]
    public async Task Unknown_handler_is_a_handler_failure_listing_the_known_ones()
    {
        var outcome = await Executor.ExecuteAsync(HandlerJob("frobnicate", Out), Rendered(0), 1, "n", default);

        Assert.Equal(TaskEndReason.HandlerFailed, outcome.Reason);
        Assert.Equal("unknown handler 'frobnicate'; known: noop, sleep", outcome.Error);
    }

    [Fact]
    public async Task Handler_sees_its_task_context()
    {
        HandlerContext? seen = null;
        var executor = new TaskExecutor(new TaskHandlerRegistry().Register(new DelegateHandler("spy", (context, _) =>
        {
            seen = context;
            return new(new HandlerResult(4, "note"));
        })));
        var task = Rendered(17, parameters: new() { ["x"] = "1" }, handlerArgs: new() { ["a"] = "b" });

        var outcome = await executor.ExecuteAsync(HandlerJob("spy", Out, name: "jobby"), task, 3, "node-7", default);

        Assert.Equal((TaskEndReason.Exited, 4, "note", null), (outcome.Reason, outcome.ExitCode, outcome.Message, outcome.Error));
        Assert.NotNull(seen);
        Assert.Equal(("jobby", 17L, 3, "node-7"), (seen.JobName, seen.Index, seen.Attempt, seen.NodeName));
        Assert.Equal("1", seen.Parameters["x"]);
        Assert.Equal("b", seen.Args["a"]);
    }

    [Fact]
    public void Registry_is_case_sensitive_sorted_and_rejects_duplicates()
    {
        var registry = TaskHandlerRegistry.CreateDefault();

        Assert.Equal(["noop", "sleep"], registry.Names);
        Assert.True(registry.TryGet("noop", out var noop));
        Assert.Same(NoopHandler.Instance, noop);
        Assert.False(registry.TryGet("NOOP", out _));
        Assert.Throws<ArgumentException>(() => registry.Register(new DelegateHandler("sleep", (_, _) => default)));
        registry.Register(new DelegateHandler("Sleep", (_, _) => default));
        Assert.Equal(["Sleep", "noop", "sleep"], registry.Names);
    }

    private sealed class DelegateHandler(string name, Func<HandlerContext, CancellationToken, ValueTask<HandlerResult>> run) : ITaskHandler
    {
        public string Name => name;

        public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
    }
}
