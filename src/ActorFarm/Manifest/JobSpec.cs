using System.Text.Json.Serialization;

namespace ActorFarm.Manifest;

/// <summary>
/// One job of a manifest, validated and immutable. It travels inside journal events
/// (System.Text.Json) and wire messages (Hyperion), so it holds only plain data:
/// arrays, dictionaries, strings and numbers, never parsed HOCON or delegates.
/// A task is (job, index); everything a task needs is computed from this spec and the index.
/// </summary>
public sealed record JobSpec
{
    /// <summary>The job's name as the manifest key gives it (<c>jobs.&lt;name&gt;</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What each task runs: a process or an in-process handler.</summary>
    public required CommandSpec Command { get; init; }

    /// <summary>The parameter sweep; its <see cref="SweepSpec.Count"/> is the number of tasks.</summary>
    public required SweepSpec Sweep { get; init; }

    /// <summary>Extra environment variables; values may hold <c>${name}</c> placeholders.</summary>
    public Dictionary<string, string> Environment { get; init; } = new();

    /// <summary>Working directory of each task (absolute after loading); may hold placeholders.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Wall-clock limit per attempt; the whole process tree is killed when it passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// How long a task is expected to run at most. A node that must leave at a known time (the end
    /// of a SLURM allocation) does not start a task that cannot finish before then; the task stays
    /// pending for the next allocation instead of being killed half-way.
    /// </summary>
    public TimeSpan? ExpectedDuration { get; init; }

    /// <summary>How failed attempts are retried; default: no retry.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Higher runs first when several jobs are active.</summary>
    public int Priority { get; init; }

    /// <summary>
    /// Slots of a node each task takes (<c>cpus = k</c>); null means 1. A node of S slots runs at
    /// most ⌊free slots / k⌋ of the job's tasks at once, and a node with fewer than k slots none.
    /// Null rather than 1 by default so that the ids of jobs journaled before the key existed stay
    /// the same (<see cref="Protocol.JobIds"/> leaves unset keys out).
    /// </summary>
    public int? Cpus { get; init; }

    /// <summary>
    /// Stop the job once this many of its tasks have failed for good (<c>max-fails = N</c>): it hands
    /// out nothing more, its running tasks are killed and what finished is kept. Null: never.
    /// </summary>
    public int? MaxFails { get; init; }

    /// <summary>Where results and captured output go.</summary>
    public required OutputSpec Output { get; init; }

    /// <summary>The manifest file the job came from (absolute), for messages and resumption.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Number of tasks in the job.</summary>
    public long TaskCount => Sweep.Count;

    /// <summary>Slots each task takes: <see cref="Cpus"/>, or 1. Not serialized: it is derived, and the job id hashes what is written.</summary>
    [JsonIgnore]
    public int SlotsPerTask => Cpus ?? 1;
}

/// <summary>
/// What a task runs. Exactly one of <see cref="Argv"/>, <see cref="ShellCommand"/> or
/// <see cref="Handler"/> is set. Argv runs without a shell, so a sweep value is always
/// exactly one argument and stays inert whatever it contains.
/// </summary>
public sealed record CommandSpec
{
    /// <summary>argv templates: element 0 is the program; each element may hold placeholders.</summary>
    public string[]? Argv { get; init; }

    /// <summary>A command line for <c>/bin/sh -c</c>; only with an explicit <c>shell = true</c>.</summary>
    public string? ShellCommand { get; init; }

    /// <summary>The name of an in-process handler (<c>noop</c>, <c>sleep</c> or one registered by the host).</summary>
    public string? Handler { get; init; }

    /// <summary>Arguments for the handler; values may hold placeholders.</summary>
    public Dictionary<string, string> HandlerArgs { get; init; } = new();

    /// <summary>True when the task runs a process (<see cref="Argv"/> or <see cref="ShellCommand"/>), false for a handler.</summary>
    public bool IsProcess => Handler is null;
}

/// <summary>How failed attempts are retried. Only exit codes in <see cref="ExitCodes"/> retry
/// (an empty list means every non-zero exit code retries).</summary>
public sealed record RetryPolicy
{
    /// <summary>One attempt, no retry.</summary>
    public static readonly RetryPolicy None = new() { MaxAttempts = 1 };

    /// <summary>Attempts in all, the first included; 1 means no retry.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Exit codes that retry; empty means any non-zero exit code.</summary>
    public int[] ExitCodes { get; init; } = [];

    /// <summary>Whether a timed-out attempt retries.</summary>
    public bool OnTimeout { get; init; }

    /// <summary>Delay before the second attempt; doubles for each further attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>What happens to the stdout and stderr of a task's process.</summary>
public enum OutputCapture
{
    /// <summary>stdout and stderr are discarded.</summary>
    None,

    /// <summary>One file per task and stream: <c>&lt;dir&gt;/&lt;job&gt;/tasks/&lt;index&gt;.out|.err</c>.</summary>
    Files,

    /// <summary>One log per job and node, each task's output as one block headed by its index.</summary>
    Combined,
}

/// <summary>Where results and captured output go.</summary>
public sealed record OutputSpec
{
    /// <summary>Base output directory (absolute after loading); the job writes under <c>&lt;Directory&gt;/&lt;job&gt;/</c>.</summary>
    public required string Directory { get; init; }

    /// <summary>What is kept of the tasks' stdout and stderr; default: one file per task and stream.</summary>
    public OutputCapture Capture { get; init; } = OutputCapture.Files;

    /// <summary>Bytes kept per task and stream; the rest is read and dropped so the process never stalls.</summary>
    public long MaxBytesPerTask { get; init; } = 1024 * 1024;
}
