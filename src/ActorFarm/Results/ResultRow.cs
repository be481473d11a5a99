using ActorFarm.Manifest;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// One row of a results file: the journaled record plus what follows from the spec (the
/// parameters of the index, the paths of its captured output). The one mapping from a journaled
/// record to a row: the files write it, <see cref="ToTaskResultRow"/> hands it out as data.
/// </summary>
internal readonly record struct ResultRow(TaskRecord Record, Dictionary<string, string> Parameters, string? Stdout, string? Stderr)
{
    /// <param name="spec">The job, for its output layout.</param>
    /// <param name="jobDirectory">The job's <see cref="OutputLayout.JobDirectory"/>, computed once per file.</param>
    /// <param name="record">The journaled result.</param>
    /// <param name="parameters">The sweep values of the record's index.</param>
    public static ResultRow For(JobSpec spec, string jobDirectory, TaskRecord record, Dictionary<string, string> parameters) =>
        // Paths only where output was captured, and never for a task whose process did not start
        // (its output files may not exist): a row points only at files that are there. A result
        // no node reported (a cancelled rerun's task that did not run again) has no log either,
        // and an in-process handler writes no output at all, whatever the capture says.
        record.Outcome == TaskOutcome.FailedToStart || spec.Command.Handler is not null ? new ResultRow(record, parameters, null, null)
        : spec.Output.Capture switch
        {
            OutputCapture.Files => new ResultRow(record, parameters,
                OutputLayout.TaskStdout(jobDirectory, record.Index), OutputLayout.TaskStderr(jobDirectory, record.Index)),
            OutputCapture.Combined when record.Node.Length > 0 =>
                new ResultRow(record, parameters, OutputLayout.CombinedLog(jobDirectory, record.Node), null),
            _ => new ResultRow(record, parameters, null, null),
        };

    public double DurationSeconds => (Record.Ended - Record.Started).TotalSeconds;

    /// <summary>The row as data, with its own copy of the parameters (a file's rows share one dictionary).</summary>
    public TaskResultRow ToTaskResultRow()
    {
        var r = Record;
        return new TaskResultRow(r.Index, new Dictionary<string, string>(Parameters, StringComparer.Ordinal), r.Outcome, r.ExitCode,
            r.Attempts, r.Node, r.Started, r.Ended, r.Message, r.Error,
            r.Payload is { } payload ? TaskPayload.Wrap(payload, r.PayloadIsJson) : null, Stdout, Stderr, r.OutputTruncated);
    }
}
