using ActorFarm.Manifest;

namespace ActorFarm.Node.Execution;

/// <summary>
/// The output capture of one process attempt, as the job's <see cref="OutputSpec"/> asks:
/// per-task files, a block in this node's combined log of the job, or nothing. Opened before the process
/// starts (so an unwritable output directory fails the start, not a running task) and
/// finished after its pipes are drained.
/// </summary>
internal sealed class TaskOutput : IAsyncDisposable
{
    private readonly CombinedOutputLog? _log;

    private TaskOutput(IOutputSink? stdout, IOutputSink? stderr, long cap, CombinedOutputLog? log, string? stdoutPath, string? stderrPath)
    {
        Stdout = stdout;
        Stderr = stderr;
        Cap = cap;
        _log = log;
        StdoutPath = stdoutPath;
        StderrPath = stderrPath;
    }

    public IOutputSink? Stdout { get; private set; }

    public IOutputSink? Stderr { get; private set; }

    /// <summary>Bytes kept per stream.</summary>
    public long Cap { get; }

    public string? StdoutPath { get; }

    public string? StderrPath { get; }

    /// <exception cref="IOException">A directory or file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">A directory or file cannot be created.</exception>
    /// <param name="job">The job, for its output spec and layout.</param>
    /// <param name="task">The task whose attempt is captured.</param>
    /// <param name="nodeName">This node's name: combined capture writes the node's own log.</param>
    public static TaskOutput Open(JobSpec job, RenderedTask task, string nodeName)
    {
        var spec = job.Output;
        switch (spec.Capture)
        {
            case OutputCapture.Files:
            {
                var jobDirectory = OutputLayout.JobDirectory(job);
                Directory.CreateDirectory(OutputLayout.TaskFilesDirectory(jobDirectory));
                var stdout = new FileOutputSink(OutputLayout.TaskStdout(jobDirectory, task.Index));
                FileOutputSink stderr;
                try
                {
                    stderr = new FileOutputSink(OutputLayout.TaskStderr(jobDirectory, task.Index));
                }
                catch
                {
                    stdout.Abandon();
                    throw;
                }
                return new TaskOutput(stdout, stderr, spec.MaxBytesPerTask, null, stdout.Path, stderr.Path);
            }
            case OutputCapture.Combined:
            {
                var directory = OutputLayout.JobDirectory(job);
                Directory.CreateDirectory(directory);
                var log = CombinedOutputLog.For(OutputLayout.CombinedLog(directory, nodeName));
                return new TaskOutput(new BufferOutputSink(), new BufferOutputSink(), spec.MaxBytesPerTask, log, log.Path, log.Path);
            }
            default:
                return new TaskOutput(null, null, 0, null, null, null);
        }
    }

    /// <summary>
    /// Flushes the per-task files or appends the task's block to the combined log.
    /// Returns why that failed, or null.
    /// </summary>
    public async Task<string?> FinishAsync(long index, int attempt, string exitLabel)
    {
        try
        {
            if (_log is not null && Stdout is BufferOutputSink stdout && Stderr is BufferOutputSink stderr)
                await _log.AppendBlockAsync(index, attempt, exitLabel, stdout.Written, stderr.Written).ConfigureAwait(false);
            await DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "could not write the task's output: " + e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var stdout = Stdout;
        var stderr = Stderr;
        Stdout = null;
        Stderr = null;
        try
        {
            if (stdout is not null) await stdout.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (stderr is not null) await stderr.DisposeAsync().ConfigureAwait(false);
        }
    }
}
