using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results;

/// <summary>
/// One row of a results file: the journaled record plus what follows from the spec (the
/// parameters of the index, the paths of its captured output).
/// </summary>
internal readonly record struct ResultRow(TaskRecord Record, Dictionary<string, string> Parameters, string? Stdout, string? Stderr)
{
    public static ResultRow For(JobSpec spec, TaskRecord record, Dictionary<string, string> parameters) =>
        // Paths only where output was captured: a row is built per task, often with no output.
        spec.Output.Capture switch
        {
            OutputCapture.Files => new ResultRow(record, parameters,
                Path.Combine(JobDirectory(spec), "tasks", $"{record.Index}.out"), Path.Combine(JobDirectory(spec), "tasks", $"{record.Index}.err")),
            OutputCapture.Combined => new ResultRow(record, parameters, Path.Combine(JobDirectory(spec), "output.log"), null),
            _ => new ResultRow(record, parameters, null, null),
        };

    private static string JobDirectory(JobSpec spec) => Path.Combine(spec.Output.Directory, spec.Name);

    public double DurationSeconds => (Record.Ended - Record.Started).TotalSeconds;
}
