using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

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

    [Fact]
    public void A_combined_capture_row_points_at_the_log_of_the_node_that_ran_its_task()
    {
        var spec = Specs.Process("job", ["/bin/true"], [new IntRangeAxis { Name = "i", From = 0, To = 3 }], "/tmp/out", capture: OutputCapture.Combined);
        var jobDirectory = OutputLayout.JobDirectory(spec);
        var parameters = new Dictionary<string, string> { ["i"] = "2" };

        var ranOnA = ResultRow.For(spec, jobDirectory, new TaskRecord(2, 1, TaskOutcome.Succeeded, 0, "host:4053", At, At, null, false), parameters);
        var ranOnB = ResultRow.For(spec, jobDirectory, new TaskRecord(3, 1, TaskOutcome.Failed, 1, "node-b", At, At, null, false), parameters);
        // A rerun cancelled before this task ran again: no node, no block in any log.
        var ranNowhere = ResultRow.For(spec, jobDirectory, new TaskRecord(1, 2, TaskOutcome.Cancelled, null, "", At, At, null, false), parameters);

        Assert.Equal(Path.Combine(jobDirectory, "output.host%3A4053.log"), ranOnA.Stdout);
        Assert.Equal(Path.Combine(jobDirectory, "output.node-b.log"), ranOnB.Stdout);
        Assert.Null(ranOnA.Stderr);
        Assert.Null(ranNowhere.Stdout);
    }

    [Theory]
    [InlineData(TaskOutcome.Cancelled)]
    [InlineData(TaskOutcome.Lost)]
    [InlineData(TaskOutcome.WorkerCrashed)]
    public void A_result_said_of_a_task_by_someone_else_names_its_files_only_where_they_are(TaskOutcome outcome)
    {
        // A task cancelled, lost with its node or crashed with its worker may never have started.
        using var output = new TempDirectory("actorfarm-row");
        var spec = Specs.Process("job", ["/bin/true"], [new IntRangeAxis { Name = "i", From = 0, To = 3 }], output.Path, capture: OutputCapture.Files);
        var jobDirectory = OutputLayout.JobDirectory(spec);
        var record = new TaskRecord(2, 1, outcome, null, "node-a", At, At, null, false);

        var unstarted = ResultRow.For(spec, jobDirectory, record, new Dictionary<string, string>());
        Assert.Equal((null, null), (unstarted.Stdout, unstarted.Stderr));

        // Its process had run (killed by the cancellation, or an earlier attempt): the files are there.
        Directory.CreateDirectory(Path.GetDirectoryName(OutputLayout.TaskStdout(jobDirectory, 2))!);
        File.WriteAllText(OutputLayout.TaskStdout(jobDirectory, 2), "partial");
        var started = ResultRow.For(spec, jobDirectory, record, new Dictionary<string, string>());
        Assert.Equal(OutputLayout.TaskStdout(jobDirectory, 2), started.Stdout);
        Assert.Null(started.Stderr);

        // Combined: the coordinator names a lost node by its address, which names no log.
        var combined = spec with { Output = spec.Output with { Capture = OutputCapture.Combined } };
        var lost = ResultRow.For(combined, jobDirectory, record with { Node = "akka.ssl.tcp://actorfarm@10.0.0.7:4055" }, new Dictionary<string, string>());
        Assert.Null(lost.Stdout);
    }

    [Theory]
    [InlineData(OutputCapture.Files)]
    [InlineData(OutputCapture.Combined)]
    public void A_handler_task_s_row_names_no_output_file_since_a_handler_writes_none(OutputCapture capture)
    {
        var spec = Specs.Handler("job", "noop", 4, "/tmp/out") with { Output = new OutputSpec { Directory = "/tmp/out", Capture = capture } };
        var row = ResultRow.For(spec, OutputLayout.JobDirectory(spec),
            new TaskRecord(2, 1, TaskOutcome.Succeeded, 0, "node-a", At, At, null, false), new Dictionary<string, string>());
        Assert.Null(row.Stdout);
        Assert.Null(row.Stderr);
    }
}
