using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorFarm.Testing;

/// <summary>One line a child process printed: when it arrived (UTC), its text, and whether it came on standard error.</summary>
public readonly record struct OutputLine(DateTimeOffset At, string Text, bool IsError);

/// <summary>What a program run to its end left: its exit code, each stream, and both interleaved as they arrived.</summary>
public sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output and error interleaved as they arrived.</summary>
    public string Output { get; init; } = "";

    /// <summary>The last lines of <see cref="Output"/>, for failure messages that stay readable.</summary>
    public string Tail(int lines = 60) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    public string Describe(string what) => $"{what} exited with {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// A program a test or the perf harness starts: a farm process (the Lighthouse, an
/// <c>actorfarm node</c>, a client command), an SDK command, a SLURM client, a browser. Its
/// output is captured line by line with arrival times, a line can be awaited, and it is stopped
/// the hard way (SIGKILL), the graceful way (SIGTERM) or with any signal to its process group.
/// Disposing kills its whole tree, and so does the end of the test host or harness. The launch
/// instant is taken just before the process is created (start-up figures count from it).
/// Standard input is a pipe left open (a child never sees a terminal or an early end of input).
/// </summary>
public sealed class ChildProcess : IDisposable, IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<OutputLine> _lines = new();
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<OutputLine> Seen)> _awaited = new();

    // A test host or harness that dies or is aborted must not leave its children behind to load
    // the machine (and disturb every later test or measurement): they die with it.
    private static readonly HashSet<ChildProcess> Running = new();

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Running)
            foreach (var child in Running)
                child.KillTree();
    };

    private ChildProcess(Process process, string label)
    {
        _process = process;
        Label = label;
        process.OutputDataReceived += (_, e) => Append(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Append(e.Data, isError: true);
    }

    public string Label { get; }

    public int Pid { get; private set; }

    /// <summary>Wall-clock instant just before the process was created.</summary>
    public DateTimeOffset LaunchedAt { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="args"/>; <paramref name="environment"/>
    /// adds or replaces variables. With <paramref name="ownSession"/> it runs as the leader of a
    /// session and process group of its own (through <c>setsid</c>, which execs in place:
    /// <see cref="Pid"/> is the group's id), so that <see cref="SignalGroup"/> reaches it and its
    /// children as a terminal's Ctrl+C or systemd would.
    /// </summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? label = null, bool ownSession = false) =>
        Launch(program, [.. args], workingDirectory, environment, label, ownSession, unset: null);

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c> (see <see cref="Start"/>).</summary>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? label = null, bool ownSession = false)
    {
        string[] all = [.. args];
        return Launch("dotnet", [dll, .. all], workingDirectory, environment, label ?? Describe(dll, all), ownSession, unset: null);
    }

    /// <summary>
    /// Runs <paramref name="program"/> to its end. <paramref name="unset"/> names inherited variables
    /// to remove before <paramref name="environment"/> is applied. Past <paramref name="timeout"/>
    /// the process tree is killed and a <see cref="TimeoutException"/> carries the last lines.
    /// </summary>
    public static async Task<RunResult> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? unset = null)
    {
        await using var child = Launch(program, [.. args], workingDirectory, environment, label: null, ownSession: false, unset);
        var exit = await child.WaitForExitAsync(timeout).ConfigureAwait(false);
        return new RunResult(exit, child.Stdout, child.Stderr) { Output = child.Output };
    }

    /// <summary>As <see cref="RunAsync"/>, and throws with both streams unless the exit code is 0.</summary>
    public static async Task<RunResult> RunCheckedAsync(string program, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] all = [.. args];
        var result = await RunAsync(program, all, timeout, workingDirectory, environment).ConfigureAwait(false);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException(result.Describe(Describe(program, all)));
    }

    private static ChildProcess Launch(string program, string[] args, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment, string? label, bool ownSession, IEnumerable<string>? unset)
    {
        var info = new ProcessStartInfo(ownSession ? "setsid" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (ownSession) info.ArgumentList.Add(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in unset ?? Array.Empty<string>()) info.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;

        var child = new ChildProcess(new Process { StartInfo = info }, label ?? Describe(program, args));
        child.LaunchedAt = DateTimeOffset.UtcNow;
        child._process.Start();
        child.Pid = child._process.Id;
        lock (Running) Running.Add(child);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    private static string Describe(string program, IEnumerable<string> args) => string.Join(' ', [Path.GetFileName(program), .. args]);

    /// <summary>Standard output and error interleaved as they arrived.</summary>
    public string Output => Join(_ => true);

    public string Stdout => Join(l => !l.IsError);

    public string Stderr => Join(l => l.IsError);

    private string Join(Func<OutputLine, bool> which)
    {
        lock (_lines) return string.Join('\n', _lines.Where(which).Select(l => l.Text));
    }

    /// <summary>Every line with the time it arrived (UTC), for post-mortems.</summary>
    public string TimedOutput()
    {
        lock (_lines) return string.Join('\n', _lines.Select(l => $"{l.At:HH:mm:ss.fff} {l.Text}"));
    }

    /// <summary>The last lines of output, for failure messages that must stay readable.</summary>
    public string Tail(int lines = 150)
    {
        lock (_lines) return string.Join('\n', _lines.TakeLast(lines).Select(l => l.Text.Length > 400 ? l.Text[..400] + "…" : l.Text));
    }

    /// <summary>The first line (either stream) that contains <paramref name="text"/>; see <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan, CancellationToken)"/>.</summary>
    public Task<OutputLine> WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), $"'{text}'", timeout, cancellationToken);

    /// <summary>
    /// The first line (either stream, lines already printed included) that <paramref name="matches"/>,
    /// with the instant it arrived. Fails with the output if the process ends first or time runs out.
    /// </summary>
    public Task<OutputLine> WaitForLineAsync(Func<string, bool> matches, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(matches, "the awaited line", timeout, cancellationToken);

    private async Task<OutputLine> WaitForLineAsync(Func<string, bool> matches, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var awaited = (matches, new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lines)
        {
            foreach (var line in _lines)
                if (matches(line.Text)) return line;
            _awaited.Add(awaited);
        }
        try
        {
            var seen = awaited.Item2.Task;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var ended = _process.WaitForExitAsync(stop.Token); // the exit, both streams read to their end
            var first = await Task.WhenAny(seen, ended, Task.Delay(timeout, stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            if (seen.IsCompleted) return await seen.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw first == ended
                ? new InvalidOperationException($"{Label} exited ({ExitCode}) before printing {what}:\n{Tail()}")
                : new TimeoutException($"{Label} did not print {what} within {timeout}:\n{Tail()}");
        }
        finally
        {
            lock (_lines) _awaited.Remove(awaited);
        }
    }

    /// <summary>Waits for the exit (and the end of its output); past <paramref name="timeout"/> kills the tree and throws with the last lines.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            KillTree();
            throw new TimeoutException($"{Label} did not exit within {timeout}:\n{Tail()}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits as <see cref="WaitForExitAsync"/> does and throws with the last lines unless the exit code is 0.</summary>
    public async Task WaitForSuccessAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var code = await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Label} exited with {code}:\n{Tail()}");
    }

    /// <summary>Writes <paramref name="line"/> to the process's standard input and flushes it.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>SIGKILL to this process alone (its children live on): nothing runs on the way down, as in a crash; it is gone when this returns.</summary>
    public async Task KillHardAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGTERM (what SLURM and systemd send): the process leaves gracefully; returns its exit code (see <see cref="WaitForExitAsync"/>).</summary>
    public Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Signal(15);
        return WaitForExitAsync(timeout);
    }

    /// <summary>Sends <paramref name="signal"/> to this process alone (its children do not get it).</summary>
    public void Signal(int signal) => _ = Kill(Pid, signal);

    /// <summary>Sends <paramref name="signal"/> to the process's whole process group (started with <c>ownSession</c>).</summary>
    public void SignalGroup(int signal) => _ = Kill(-Pid, signal);

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>Kills the whole tree (without waiting for it to go).</summary>
    public void Dispose()
    {
        KillTree();
        Forget();
    }

    /// <summary>
    /// Kills the whole tree and waits until the process is gone and its output read (a
    /// descendant that left the tree and holds the output open is not waited for past a few seconds).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        KillTree();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10))
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Forget();
    }

    private void Forget()
    {
        lock (Running) Running.Remove(this);
        _process.Dispose();
    }

    private void Append(string? text, bool isError)
    {
        if (text is null) return;
        var line = new OutputLine(DateTimeOffset.UtcNow, text, isError);
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var (matches, seen) in _awaited)
                if (!seen.Task.IsCompleted && matches(text)) seen.TrySetResult(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
