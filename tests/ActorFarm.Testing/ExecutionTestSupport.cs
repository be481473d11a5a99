using ActorFarm.Manifest;
using ActorFarm.Node.Execution;

namespace ActorFarm.Testing;

/// <summary>Jobs and rendered tasks built directly, so these tests exercise execution only.</summary>
internal static class ExecutionTestSupport
{
    public static readonly TaskExecutor Executor = new(TaskHandlerRegistry.CreateDefault());

    public static JobSpec ProcessJob(string outputDirectory, TimeSpan? timeout = null,
        OutputCapture capture = OutputCapture.Files, long maxBytes = 1024 * 1024, string name = "job") => new()
    {
        Name = name,
        Command = new CommandSpec { Argv = ["placeholder-not-used-by-the-executor"] },
        Sweep = SweepSpec.Single,
        Output = new OutputSpec { Directory = outputDirectory, Capture = capture, MaxBytesPerTask = maxBytes },
        Timeout = timeout,
    };

    public static JobSpec HandlerJob(string handler, string outputDirectory, TimeSpan? timeout = null, string name = "job") => new()
    {
        Name = name,
        Command = new CommandSpec { Handler = handler },
        Sweep = SweepSpec.Single,
        Output = new OutputSpec { Directory = outputDirectory, Capture = OutputCapture.None },
        Timeout = timeout,
    };

    public static RenderedTask Argv(long index, params string[] argv) => Rendered(index, argv: argv);

    public static RenderedTask Shell(long index, string command, string? workingDirectory = null) =>
        Rendered(index, shell: command, workingDirectory: workingDirectory);

    public static RenderedTask Rendered(long index, string[]? argv = null, string? shell = null,
        Dictionary<string, string>? environment = null, string? workingDirectory = null,
        Dictionary<string, string>? handlerArgs = null, Dictionary<string, string>? parameters = null) =>
        new(index, parameters ?? new(), argv, shell, environment ?? new(), workingDirectory, handlerArgs ?? new());

    public static string OutFile(string outputDirectory, long index, string job = "job") =>
        Path.Combine(outputDirectory, job, "tasks", $"{index}.out");

    public static string ErrFile(string outputDirectory, long index, string job = "job") =>
        Path.Combine(outputDirectory, job, "tasks", $"{index}.err");

    /// <summary>Whether a pid names a running process: absent from /proc or a zombie (dead, waiting
    /// for a parent or a container init that may never reap it) both count as not alive.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Polls until the condition holds or the limit passes.</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
