using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;
using ActorFarm.Tests.Support;

namespace ActorFarm.Tests.Results;

/// <summary>A results row points at a task's output files only where its process ran and wrote them.</summary>
public class ResultRowTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(TaskOutcome.Succeeded, true)]
    [InlineData(TaskOutcome.Failed, true)]
    [InlineData(TaskOutcome.TimedOut, true)]
    [InlineData(TaskOutcome.FailedToStart, false)]
    public void Output_paths_are_given_only_for_tasks_whose_process_started(TaskOutcome outcome, bool hasOutput)
    {
        var spec = Specs.Process("job", ["/bin/true"], [new IntRangeAxis { Name = "i", From = 0, To = 3 }], "/tmp/out", capture: OutputCapture.Files);
        var record = new TaskRecord(2, 1, outcome, outcome == TaskOutcome.FailedToStart ? null : 0, "node-a", At, At, null, false);

        var row = ResultRow.For(spec, OutputLayout.JobDirectory(spec), record, new Dictionary<string, string> { ["i"] = "2" });

        Assert.Equal(hasOutput, row.Stdout is not null);
        Assert.Equal(hasOutput, row.Stderr is not null);
    }
}
