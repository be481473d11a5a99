using System.Diagnostics;
using System.Text;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// A program the harness starts: a farm probe, a CLI run, a peer script, a node. Output is
/// collected (for error messages), the launch instant is taken just before the process is
/// created (start-up figures count from it), and a process still running when its owner is
/// disposed is killed with its whole tree.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _display;
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<DateTimeOffset> Seen)> _awaited = new();

    private ChildProcess(Process process, DateTimeOffset launchedAt, string display)
    {
        Process = process;
        LaunchedAt = launchedAt;
        _display = display;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            var at = DateTimeOffset.UtcNow;
            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
                foreach (var (matches, seen) in _awaited)
                    if (!seen.Task.IsCompleted && matches(e.Data)) seen.TrySetResult(at);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>Wall-clock instant just before the process was created.</summary>
    public DateTimeOffset LaunchedAt { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static ChildProcess Start(string program, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        var display = program + " " + string.Join(' ', info.ArgumentList);
        var launchedAt = DateTimeOffset.UtcNow;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {display}");
        return new ChildProcess(process, launchedAt, display);
    }

    /// <summary>Starts <c>dotnet program.dll args</c>.</summary>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [dll, .. args], workingDirectory, environment);

    /// <summary>
    /// The instant a stdout line matching <paramref name="matches"/> arrived (lines already
    /// printed count too). Fails when the process exits first or the timeout passes.
    /// </summary>
    public async Task<DateTimeOffset> LineAsync(Func<string, bool> matches, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seen = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stdout)
        {
            if (_stdout.ToString().Split('\n').Any(matches)) seen.TrySetResult(DateTimeOffset.UtcNow);
            else _awaited.Add((matches, seen));
        }
        var exited = Process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout, cancellationToken));
        if (first == seen.Task) return await seen.Task;
        if (seen.Task.IsCompleted) return await seen.Task;
        throw new InvalidOperationException(first == exited
            ? $"{_display} exited ({Process.ExitCode}) before printing the awaited line.\n{Tail()}"
            : $"{_display} did not print the awaited line within {timeout}.\n{Tail()}");
    }

    /// <summary>Waits for the exit; kills the tree and throws after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await Process.WaitForExitAsync(limit.Token);
            Process.WaitForExit(); // drains the redirected streams
            return Process.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{_display} did not exit within {timeout}.\n{Tail()}");
        }
    }

    /// <summary>Waits and throws unless the exit code is 0.</summary>
    public async Task WaitSuccessAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var code = await WaitAsync(timeout, cancellationToken);
        if (code != 0) throw new InvalidOperationException($"{_display} exited with {code}.\n{Tail()}");
    }

    /// <summary>The last lines of both streams, for error messages.</summary>
    public string Tail(int lines = 30)
    {
        static string Last(string text, int n) => string.Join('\n', text.Split('\n').TakeLast(n));
        return $"stdout:\n{Last(Stdout, lines)}\nstderr:\n{Last(Stderr, lines)}";
    }

    /// <summary>SIGKILL to this process only: nothing runs on the way down, as in a crash.</summary>
    public void KillHard()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: false);
    }

    public void Kill()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }
}
