using System.Diagnostics;
using ActorFarm.Manifest;
using ActorFarm.Node.Execution.Trees;
using Microsoft.Win32.SafeHandles;

namespace ActorFarm.Node.Execution.Spawn;

/// <summary>
/// Runs one attempt of a process task the short way: <see cref="PosixSpawn"/> with stdout and
/// stderr written by the child straight into the task's files (<c>capture = files</c>) or to
/// <c>/dev/null</c> (<c>capture = none</c>), and the exit collected by <see cref="ChildReaper"/>.
/// No pipe, no read, no thread per child. The per-task cap is applied when the task has ended
/// (the file is cut at the cap and the notice appended), not while it runs.
/// </summary>
/// <remarks>
/// Used only where the task's tree is a cgroup (<see cref="CgroupTaskTrees"/>), whose emptiness is
/// one read: the environment-marker trees learn that a task left nothing running from its pipes
/// reaching end of file, which this path has none of. Everything else (combined capture, marker
/// trees, no glibc) goes through <see cref="ProcessRunner"/>'s <see cref="Process"/>.
/// </remarks>
internal static class DirectProcessRunner
{
    private static readonly Lazy<SafeFileHandle> DevNull = new(() => File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write));

    /// <summary>Whether a task of <paramref name="job"/> can start this way under <paramref name="trees"/>.</summary>
    public static bool Suits(JobSpec job, TaskTrees trees) =>
        trees is CgroupTaskTrees
        && job.Output.Capture is OutputCapture.None or OutputCapture.Files
        && PosixSpawn.Unavailable is null;

    /// <summary>Starts the task (its <paramref name="startInfo"/> already contained in <paramref name="tree"/>) and waits for its end.</summary>
    public static async Task<ExecutionOutcome> RunAsync(JobSpec job, RenderedTask task, ProcessStartInfo startInfo,
        TaskTree tree, DateTimeOffset started, CancellationToken cancellationToken)
    {
        DirectOutput output;
        try
        {
            output = DirectOutput.Open(job, task);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await tree.EndAsync(Task.CompletedTask).ConfigureAwait(false);
            return ProcessRunner.FailedToStart(started, "could not open the task's output: " + e.Message);
        }

        using (output)
        {
            var pid = PosixSpawn.Start(startInfo.FileName, Argv(startInfo), Environment(startInfo),
                startInfo.WorkingDirectory, output.StdoutFd, output.StderrFd, out var errno);
            if (pid < 0)
            {
                await tree.EndAsync(Task.CompletedTask).ConfigureAwait(false);
                return ProcessRunner.FailedToStart(started,
                    $"An error occurred trying to start process '{startInfo.FileName}' with working directory '{startInfo.WorkingDirectory}'. "
                    + System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno));
            }

            var (reason, exitCode) = await WaitForExitOrKillAsync(pid, tree, job.Timeout, cancellationToken).ConfigureAwait(false);
            // Whatever the task left running goes with it (a cgroup: one read when nothing is left).
            await tree.EndAsync(Task.CompletedTask).ConfigureAwait(false);
            var ended = DateTimeOffset.UtcNow;
            var (truncated, outputError) = output.Finish(job.Output.MaxBytesPerTask);

            var message = ProcessRunner.Join(
                ProcessRunner.EndNote(reason, job.Timeout),
                reason == TaskEndReason.Exited && exitCode is null ? "the exit status was lost (collected elsewhere in the process)" : null,
                outputError);
            return new ExecutionOutcome(reason, exitCode, started, ended, message, output.StdoutPath, output.StderrPath,
                OutputTruncated: truncated);
        }
    }

    private static async Task<(TaskEndReason Reason, int? ExitCode)> WaitForExitOrKillAsync(
        int pid, TaskTree tree, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var exit = ChildReaper.Shared.WatchAsync(pid);
        var limit = TaskTimeout.IsActive(timeout) ? TaskTimeout.CreateSource(timeout, cancellationToken) : null;
        try
        {
            var code = await exit.WaitAsync(limit?.Token ?? cancellationToken).ConfigureAwait(false);
            return (TaskEndReason.Exited, code);
        }
        catch (OperationCanceledException)
        {
            var reason = TaskTimeout.ReasonFor(cancellationToken);
            // Off the cancelling thread (a stopping worker's), as ProcessRunner does.
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            tree.Kill();
            LinuxProcesses.KillHard(pid); // still ours: not reaped until the reaper sees it exit
            await exit.ConfigureAwait(false);
            return (reason, null);
        }
        finally
        {
            limit?.Dispose();
        }
    }

    private static string[] Argv(ProcessStartInfo startInfo)
    {
        var argv = new string[startInfo.ArgumentList.Count + 1];
        argv[0] = startInfo.FileName;
        startInfo.ArgumentList.CopyTo(argv, 1);
        return argv;
    }

    /// <summary>The node's environment with the task's variables (ProcessStartInfo's copy, edited by the task and its tree).</summary>
    private static string[] Environment(ProcessStartInfo startInfo)
    {
        var environment = startInfo.Environment;
        var entries = new string[environment.Count];
        var i = 0;
        foreach (var (name, value) in environment) entries[i++] = name + "=" + value;
        return i == entries.Length ? entries : entries[..i];
    }

    /// <summary>The descriptors the child writes to, and the cap applied to its files once it ended.</summary>
    private sealed class DirectOutput : IDisposable
    {
        private readonly SafeFileHandle? _stdout;
        private readonly SafeFileHandle? _stderr;

        private DirectOutput(SafeFileHandle? stdout, SafeFileHandle? stderr, string? stdoutPath, string? stderrPath)
        {
            _stdout = stdout;
            _stderr = stderr;
            StdoutPath = stdoutPath;
            StderrPath = stderrPath;
        }

        public string? StdoutPath { get; }

        public string? StderrPath { get; }

        public int StdoutFd => (int)(_stdout ?? DevNull.Value).DangerousGetHandle();

        public int StderrFd => (int)(_stderr ?? DevNull.Value).DangerousGetHandle();

        /// <exception cref="IOException">A directory or file cannot be created.</exception>
        /// <exception cref="UnauthorizedAccessException">A directory or file cannot be created.</exception>
        public static DirectOutput Open(JobSpec job, RenderedTask task)
        {
            if (job.Output.Capture != OutputCapture.Files) return new DirectOutput(null, null, null, null);
            var jobDirectory = OutputLayout.JobDirectory(job);
            Directory.CreateDirectory(OutputLayout.TaskFilesDirectory(jobDirectory));
            var stdoutPath = OutputLayout.TaskStdout(jobDirectory, task.Index);
            var stderrPath = OutputLayout.TaskStderr(jobDirectory, task.Index);
            var stdout = Create(stdoutPath);
            try
            {
                return new DirectOutput(stdout, Create(stderrPath), stdoutPath, stderrPath);
            }
            catch
            {
                stdout.Dispose();
                throw;
            }
        }

        /// <summary>Cuts each file at <paramref name="cap"/> bytes and appends the notice. Returns whether one was cut, and why that failed.</summary>
        public (bool Truncated, string? Error) Finish(long cap)
        {
            if (_stdout is null || _stderr is null) return (false, null);
            try
            {
                var truncated = Cap(_stdout, cap);
                return (Cap(_stderr, cap) | truncated, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (false, "could not write the task's output: " + e.Message);
            }
        }

        /// <summary>Through the farm's own handle (kept until now): the child wrote through its copy.</summary>
        private static bool Cap(SafeFileHandle file, long cap)
        {
            cap = Math.Max(0, cap);
            if (RandomAccess.GetLength(file) <= cap) return false;
            var notice = OutputPump.TruncationNotice(cap);
            RandomAccess.SetLength(file, cap + notice.Length);
            RandomAccess.Write(file, notice, cap);
            return true;
        }

        private static SafeFileHandle Create(string path) =>
            File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);

        public void Dispose()
        {
            _stdout?.Dispose();
            _stderr?.Dispose();
        }
    }
}
