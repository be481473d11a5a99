using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// One row of a results file: the journaled record plus what follows from the spec (the
/// parameters of the index, the paths of its captured output).
/// </summary>
internal readonly record struct ResultRow(TaskRecord Record, Dictionary<string, string> Parameters, string? Stdout, string? Stderr)
{
    /// <param name="spec">The job, for its output layout.</param>
    /// <param name="jobDirectory">The job's <see cref="OutputLayout.JobDirectory"/>, computed once per file.</param>
    /// <param name="record">The journaled result.</param>
    /// <param name="parameters">The sweep values of the record's index.</param>
    public static ResultRow For(JobSpec spec, string jobDirectory, TaskRecord record, Dictionary<string, string> parameters) =>
        // Paths only where output was captured: a row is built per task, often with no output.
        spec.Output.Capture switch
        {
            OutputCapture.Files => new ResultRow(record, parameters,
                OutputLayout.TaskStdout(jobDirectory, record.Index), OutputLayout.TaskStderr(jobDirectory, record.Index)),
            OutputCapture.Combined => new ResultRow(record, parameters, OutputLayout.CombinedLog(jobDirectory), null),
            _ => new ResultRow(record, parameters, null, null),
        };

    public double DurationSeconds => (Record.Ended - Record.Started).TotalSeconds;
}
