using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using ActorFarm.Manifest;
using ActorFarm.Node.Execution.Spawn;
using ActorFarm.Node.Execution.Trees;

namespace ActorFarm.Node.Execution;

/// <summary>
/// Runs one attempt of a process task without blocking a thread. argv runs without a shell
/// (each element is exactly one argument); a shell command runs as <c>/bin/sh -c &lt;cmd&gt;</c>.
/// The child inherits the node's environment plus the task's, runs in the task's working
/// directory (which must exist), reads an empty stdin and never writes to the node's terminal.
/// Each attempt is its own process tree (<see cref="TaskTrees"/>): on timeout or cancellation
/// every process of it is killed, <c>setsid</c> and re-parented descendants included, and when
/// the task's process exits whatever it left running is killed too: a task's processes end
/// with the task. Failures to start are outcomes, never exceptions. Where the task's tree is a
/// cgroup and its output goes to files or nowhere, <see cref="DirectProcessRunner"/> starts it
/// without pipes; everything else starts here with <see cref="Process"/>.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>
    /// How long to keep reading after the process exited and its tree was ended. Only a
    /// descendant that escaped its tree (see <see cref="MarkerTaskTrees"/>) can still hold the
    /// pipes open; reading stops after this grace.
    /// </summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(3);

    private const string Shell = "/bin/sh";

    public static async Task<ExecutionOutcome> RunAsync(JobSpec job, RenderedTask task, int attempt, string nodeName, Task<TaskTrees> trees,
        CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        if (cancellationToken.IsCancellationRequested)
            return new ExecutionOutcome(TaskEndReason.Cancelled, null, started, DateTimeOffset.UtcNow, "cancelled before the process started");

        var startInfo = CreateStartInfo(task, out var error);
        if (startInfo is null) return FailedToStart(started, error);

        var taskTrees = await trees.ConfigureAwait(false);
        if (DirectProcessRunner.Suits(job, taskTrees))
        {
            var contained = taskTrees.Contain(startInfo, out error);
            return contained is null
                ? FailedToStart(started, error)
                : await DirectProcessRunner.RunAsync(job, task, startInfo, contained, started, cancellationToken).ConfigureAwait(false);
        }

        TaskOutput output;
        try
        {
            output = TaskOutput.Open(job, task, nodeName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FailedToStart(started, "could not open the task's output: " + e.Message);
        }

        await using (output.ConfigureAwait(false))
        {
            var tree = taskTrees.Contain(startInfo, out error);
            if (tree is null) return FailedToStart(started, error);

            using var process = new Process { StartInfo = startInfo };
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                await tree.EndAsync(Task.CompletedTask).ConfigureAwait(false);
                return FailedToStart(started, e.Message);
            }

            // The child sees end of input at once instead of the node's stdin.
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child already exited and closed its end.
            }

            using var stopReading = new CancellationTokenSource();
            var stdout = OutputPump.RunAsync(process.StandardOutput.BaseStream, output.Stdout, output.Cap, stopReading.Token);
            var stderr = OutputPump.RunAsync(process.StandardError.BaseStream, output.Stderr, output.Cap, stopReading.Token);

            var (reason, exitCode) = await WaitForExitOrKillAsync(process, tree, job.Timeout, cancellationToken).ConfigureAwait(false);
            // Whatever the task left running goes with it; that also closes the pipes it held.
            await tree.EndAsync(Task.WhenAll(stdout, stderr)).ConfigureAwait(false);
            var (outResult, errResult, abandoned) = await DrainAsync(stdout, stderr, stopReading).ConfigureAwait(false);
            var ended = DateTimeOffset.UtcNow;

            var outputError = await output.FinishAsync(task.Index, attempt, ExitLabel(reason, exitCode)).ConfigureAwait(false);
            var message = Join(
                EndNote(reason, job.Timeout),
                abandoned ? $"a descendant process kept the output open; stopped reading {DrainGrace.TotalSeconds:0}s after exit" : null,
                outputError,
                outResult.Error is { } outErr ? "stdout capture failed: " + outErr : null,
                errResult.Error is { } errErr ? "stderr capture failed: " + errErr : null);

            return new ExecutionOutcome(reason, exitCode, started, ended, message, output.StdoutPath, output.StderrPath,
                OutputTruncated: outResult.Truncated || errResult.Truncated);
        }
    }

    /// <summary>Process start settings for the task, or null with a message when it cannot start.</summary>
    internal static ProcessStartInfo? CreateStartInfo(RenderedTask task, out string? error)
    {
        error = null;
        var workingDirectory = task.WorkingDirectory;
        if (workingDirectory is not null && !Directory.Exists(workingDirectory))
        {
            error = $"working directory '{workingDirectory}' does not exist or is not a directory";
            return null;
        }

        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory ?? "",
        };

        if (task.Argv is { Length: > 0 } argv)
        {
            var program = ProgramResolver.Resolve(argv[0], workingDirectory, task.Environment, out error);
            if (program is null) return null;
            startInfo.FileName = program;
            // One ArgumentList entry per element: never joined, never re-split, never interpreted.
            for (int i = 1; i < argv.Length; i++) startInfo.ArgumentList.Add(argv[i]);
        }
        else if (task.ShellCommand is { } command)
        {
            startInfo.FileName = Shell;
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(command);
        }
        else
        {
            error = "the task has neither an argv nor a shell command";
            return null;
        }

        if (task.Environment.Count > 0)
        {
            var environment = startInfo.Environment; // a copy of the node's environment
            foreach (var (name, value) in task.Environment) environment[name] = value;
        }
        return startInfo;
    }

    /// <summary>Waits for exit; on timeout or cancellation kills the whole tree and waits for the root to be reaped.</summary>
    private static async Task<(TaskEndReason Reason, int? ExitCode)> WaitForExitOrKillAsync(
        Process process, TaskTree tree, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = TaskTimeout.IsActive(timeout) ? TaskTimeout.CreateSource(timeout, cancellationToken) : null;
        try
        {
            await process.WaitForExitAsync(limit?.Token ?? cancellationToken).ConfigureAwait(false);
            return (TaskEndReason.Exited, process.ExitCode);
        }
        catch (OperationCanceledException)
        {
            var reason = TaskTimeout.ReasonFor(cancellationToken);
            // A cancellation runs this on the thread that cancelled (a stopping worker's): kill
            // from the thread pool instead, since a tree may be found by scanning /proc.
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            tree.Kill();
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (reason, null);
        }
        finally
        {
            limit?.Dispose();
        }
    }

    /// <summary>The root and its descendants as the parent links show them: a second net under the tree's kill.</summary>
    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or AggregateException or NotSupportedException)
        {
            // Already exited, or part of the tree vanished while it was being walked.
        }
    }

    /// <summary>Waits for both pipes to reach end of stream, at most <see cref="DrainGrace"/> (then reading is abandoned).</summary>
    private static async Task<(PumpResult Stdout, PumpResult Stderr, bool Abandoned)> DrainAsync(
        Task<PumpResult> stdout, Task<PumpResult> stderr, CancellationTokenSource stopReading)
    {
        var both = Task.WhenAll(stdout, stderr);
        bool abandoned = false;
        try
        {
            await both.WaitAsync(DrainGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            stopReading.Cancel();
            abandoned = true;
        }
        var results = await both.ConfigureAwait(false); // pumps never throw; a cancelled read ends them
        return (results[0], results[1], abandoned);
    }

    /// <summary>What an attempt's end says beside its exit code: a timeout or a cancellation killed its tree.</summary>
    internal static string? EndNote(TaskEndReason reason, TimeSpan? timeout) => reason switch
    {
        TaskEndReason.TimedOut => $"timed out after {TaskTimeout.Describe(timeout!.Value)}; process tree killed",
        TaskEndReason.Cancelled => "cancelled; process tree killed",
        _ => null,
    };

    private static string ExitLabel(TaskEndReason reason, int? exitCode) => reason switch
    {
        TaskEndReason.TimedOut => "timeout",
        TaskEndReason.Cancelled => "cancelled",
        _ => exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none",
    };

    internal static ExecutionOutcome FailedToStart(DateTimeOffset started, string? error) =>
        new(TaskEndReason.FailedToStart, null, started, DateTimeOffset.UtcNow, error ?? "the process could not be started");

    internal static string? Join(params string?[] parts)
    {
        string? joined = null;
        foreach (var part in parts)
            if (part is not null) joined = joined is null ? part : joined + "; " + part;
        return joined;
    }
}
