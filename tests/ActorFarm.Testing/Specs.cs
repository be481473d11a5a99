using ActorFarm.Manifest;

namespace ActorFarm.Testing;

/// <summary>Job specs built in code for engine tests (manifest parsing has its own tests).</summary>
public static class Specs
{
    public static JobSpec Handler(string name, string handler, long tasks, string outputDirectory,
        Dictionary<string, string>? args = null, RetryPolicy? retry = null) => new()
    {
        Name = name,
        Command = new CommandSpec { Handler = handler, HandlerArgs = args ?? new() },
        Sweep = new SweepSpec { Axes = [new IntRangeAxis { Name = "i", From = 0, To = tasks - 1 }] },
        Output = new OutputSpec { Directory = outputDirectory, Capture = OutputCapture.None },
        Retry = retry ?? RetryPolicy.None,
    };

    public static JobSpec Process(string name, string[] argv, SweepAxis[] axes, string outputDirectory,
        RetryPolicy? retry = null, TimeSpan? timeout = null, OutputCapture capture = OutputCapture.Files) => new()
    {
        Name = name,
        Command = new CommandSpec { Argv = argv },
        Sweep = new SweepSpec { Axes = axes },
        Output = new OutputSpec { Directory = outputDirectory, Capture = capture },
        Retry = retry ?? RetryPolicy.None,
        Timeout = timeout,
        WorkingDirectory = outputDirectory,
    };
}
