using ActorFarm.Manifest;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// One row of a results file: the journaled record plus what follows from the spec (the
/// parameters of the index, the paths of its captured output). The one mapping from a journaled
/// record to a row: the files write it, <see cref="ToTaskResultRow"/> hands it out as data. A row
/// names only output files that exist (or existed when the task's process ended).
/// </summary>
internal readonly record struct ResultRow(TaskRecord Record, Dictionary<string, string> Parameters, string? Stdout, string? Stderr)
{
    /// <param name="spec">The job, for its output layout.</param>
    /// <param name="jobDirectory">The job's <see cref="OutputLayout.JobDirectory"/>, computed once per file.</param>
    /// <param name="record">The journaled result.</param>
    /// <param name="parameters">The sweep values of the record's index.</param>
    public static ResultRow For(JobSpec spec, string jobDirectory, TaskRecord record, Dictionary<string, string> parameters)
    {
        // An in-process handler writes no output at all, whatever the capture says; a process that
        // did not start has none either (its files may not exist, or be empty leftovers).
        if (record.Outcome == TaskOutcome.FailedToStart || spec.Command.Handler is not null)
            return new ResultRow(record, parameters, null, null);
        var (stdout, stderr) = spec.Output.Capture switch
        {
            OutputCapture.Files => (OutputLayout.TaskStdout(jobDirectory, record.Index), OutputLayout.TaskStderr(jobDirectory, record.Index)),
            // A result no node reported (a cancelled rerun's task that did not run again) has no log.
            OutputCapture.Combined when record.Node.Length > 0 => (OutputLayout.CombinedLog(jobDirectory, record.Node), (string?)null),
            _ => ((string?)null, (string?)null),
        };
        if (ProcessRan(record.Outcome)) return new ResultRow(record, parameters, stdout, stderr);
        // Said of the task by someone other than its process (a job cancelled before it started,
        // a node lost while it was queued there or running, a worker that crashed, a cancelled
        // rerun): whether the process ever wrote its files is not known, so they are named only
        // where they are there, on this machine. Such rows are few: the check costs nothing.
        return new ResultRow(record, parameters, Existing(stdout), Existing(stderr));
    }

    /// <summary>The outcomes the task's own process reported: it ran, so its output files were opened.</summary>
    private static bool ProcessRan(TaskOutcome outcome) =>
        outcome is TaskOutcome.Succeeded or TaskOutcome.Failed or TaskOutcome.TimedOut;

    private static string? Existing(string? path) => path is not null && File.Exists(path) ? path : null;

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
