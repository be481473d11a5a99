using ActorFarm.Manifest;
using ActorFarm.Persistence;
using ActorFarm.Protocol;

namespace ActorFarm.Benchmarks.Support;

/// <summary>Realistic messages and specs for the benchmarks: the shapes the farm sends under load.</summary>
internal static class SampleMessages
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A process job like the seed study's: argv with placeholders over a three-axis product sweep.</summary>
    public static JobSpec ProcessJob(string outputDirectory = "/tmp/actorfarm-bench/out") => new()
    {
        Name = "work",
        Command = new CommandSpec { Argv = ["python3", "work.py", "--time=${time}", "--rep=${rep}", "--alpha=${alpha}", "--task=${index}"] },
        Sweep = new SweepSpec
        {
            Axes =
            [
                new ListAxis { Name = "time", Values = ["0.1", "0.2", "0.3", "0.5", "0.8"] },
                new IntRangeAxis { Name = "rep", From = 1, To = 1000 },
                new FloatRangeAxis { Name = "alpha", From = 0.0, To = 1.0, Step = 0.05 },
            ],
        },
        Environment = new Dictionary<string, string> { ["RUN"] = "${job}-${index}" },
        Output = new OutputSpec { Directory = outputDirectory, Capture = OutputCapture.Files },
        WorkingDirectory = "/tmp/actorfarm-bench",
    };

    /// <summary>In-process no-op tasks over 1..tasks, no output.</summary>
    public static JobSpec NoopJob(long tasks) => new()
    {
        Name = "noop",
        Command = new CommandSpec { Handler = "noop" },
        Sweep = new SweepSpec { Axes = [new IntRangeAxis { Name = "i", From = 1, To = tasks }] },
        Output = new OutputSpec { Directory = "/tmp/actorfarm-bench/out", Capture = OutputCapture.None },
    };

    public static TaskLease[] Leases(int count, long first = 0) =>
        Enumerable.Range(0, count).Select(i => new TaskLease(first + i, 1)).ToArray();

    public static TaskResult[] Results(int count, long first = 0) =>
        Enumerable.Range(0, count)
            .Select(i => new TaskResult(first + i, 1, TaskOutcome.Succeeded, 0, Start.AddMilliseconds(i), Start.AddMilliseconds(i + 3)))
            .ToArray();

    public static TaskRecord[] Records(int count, long first = 0) =>
        Enumerable.Range(0, count)
            .Select(i => new TaskRecord(first + i, 1, TaskOutcome.Succeeded, 0, "node-1:4053",
                Start.AddMilliseconds(i), Start.AddMilliseconds(i + 3), null, false))
            .ToArray();

    public static TaskResultsRecorded ResultsRecorded(int count) => new(Records(count));
}
