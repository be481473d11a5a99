using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorFarm.Testing;

/// <summary>
/// One real farm process started by a test (the Lighthouse, an <c>actorfarm node</c>, a client
/// command): its output captured with arrival times, readiness awaited on a line it prints,
/// and stopped the hard way (SIGKILL) or the graceful way (SIGTERM).
/// </summary>
public sealed partial class FarmProcess : IAsyncDisposable
{
    private readonly List<(DateTime At, string Line, bool IsError)> _lines = new();
    private readonly string _label;

    // A test host that dies or is aborted must not leave farm processes behind to load the
    // machine (and disturb every later test): they die with it.
    private static readonly List<Process> Started = new();

    static FarmProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Started)
            foreach (var process in Started)
                try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
    };

    private FarmProcess(string label, Process process)
    {
        _label = label;
        Process = process;
        Pid = process.Id;
        lock (Started) Started.Add(process);
        process.OutputDataReceived += (_, e) => Append(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Append(e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Label => _label;

    public int Pid { get; }

    public bool HasExited => Process.HasExited;

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Cli.dll");

    public static string LighthousePath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Lighthouse.dll");

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> with extra environment variables.</summary>
    public static FarmProcess Start(string label, string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        params string[] args) => Start(label, dll, workingDirectory, environment, args, viaDotnet: true);

    /// <summary>Starts <paramref name="program"/> itself (not through dotnet) with <paramref name="args"/>.</summary>
    public static FarmProcess StartProgram(string label, string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        params string[] args) => Start(label, program, workingDirectory, environment, args, viaDotnet: false);

    private static FarmProcess Start(string label, string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        string[] args, bool viaDotnet)
    {
        var info = new ProcessStartInfo(viaDotnet ? "dotnet" : program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (viaDotnet) info.ArgumentList.Add(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (name, value) in environment) info.Environment[name] = value;
        return new FarmProcess(label, Process.Start(info)!);
    }

    /// <summary>
    /// Starts <c>dotnet &lt;dll&gt; args</c> as the leader of a session and process group of its own
    /// (through <c>setsid</c>, which execs in place: <see cref="Pid"/> is the group's id), so that
    /// <see cref="SignalGroup"/> reaches it and its tasks as a terminal's Ctrl+C or systemd would.
    /// </summary>
    public static FarmProcess StartInOwnSession(string label, string dll, string workingDirectory, params string[] args) =>
        Start(label, "setsid", workingDirectory, null, ["dotnet", dll, .. args], viaDotnet: false);

    /// <summary>Sends <paramref name="signal"/> to the process's whole process group (see <see cref="StartInOwnSession"/>).</summary>
    public void SignalGroup(int signal) => _ = Kill(-Pid, signal);

    /// <summary>Sends <paramref name="signal"/> to this process alone (its tasks do not get it).</summary>
    public void Signal(int signal) => _ = Kill(Pid, signal);

    /// <summary>Standard output and error interleaved as they arrived.</summary>
    public string Output => Join(_ => true);

    public string Stdout => Join(l => !l.IsError);

    public string Stderr => Join(l => l.IsError);

    private string Join(Func<(DateTime At, string Line, bool IsError), bool> which)
    {
        lock (_lines) return string.Join('\n', _lines.Where(which).Select(l => l.Line));
    }

    /// <summary>Runs the CLI with <paramref name="args"/> to its end: exit code, standard output, standard error.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(string workingDirectory, TimeSpan timeout,
        params string[] args)
    {
        await using var cli = Start("actorfarm " + args[0], CliPath, workingDirectory, null, args);
        var exit = await cli.WaitForExitAsync(timeout);
        return (exit, cli.Stdout, cli.Stderr);
    }

    /// <summary>Every line with the time it arrived (UTC), for post-mortems.</summary>
    public string TimedOutput()
    {
        lock (_lines) return string.Join('\n', _lines.Select(l => $"{l.At:HH:mm:ss.fff} {l.Line}"));
    }

    /// <summary>The last lines of output, for failure messages that must stay readable.</summary>
    public string Tail(int lines = 150)
    {
        lock (_lines) return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)).Select(l => l.Line.Length > 400 ? l.Line[..400] + "…" : l.Line));
    }

    /// <summary>Waits until a line contains <paramref name="text"/>; fails with the output if the process exits or time runs out.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lines)
            {
                var hit = _lines.FirstOrDefault(l => l.Line.Contains(text, StringComparison.Ordinal));
                if (hit.Line is not null) return hit.Line;
            }
            if (Process.HasExited)
                throw new InvalidOperationException($"{_label} exited ({Process.ExitCode}) before printing '{text}':\n{Tail()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_label} did not print '{text}' within {timeout}:\n{Tail()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The UTC time an Akka log line matching <paramref name="pattern"/> carries, or null.</summary>
    public DateTime? LoggedAt(Regex pattern)
    {
        lock (_lines)
        {
            foreach (var (_, line, _) in _lines)
            {
                if (!pattern.IsMatch(line)) continue;
                var stamp = AkkaTimestamp().Match(line);
                if (stamp.Success)
                    return DateTime.ParseExact(stamp.Groups[1].Value, "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            }
        }
        return null;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed; the process is gone when this returns.</summary>
    public async Task KillHardAsync()
    {
        if (Process.HasExited) return;
        Process.Kill(entireProcessTree: false);
        await Process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (what SLURM and systemd send): the process leaves gracefully; returns its exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!Process.HasExited)
            _ = Kill(Process.Id, 15);
        return WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_label} did not exit within {timeout}:\n{Tail()}");
        }
        Process.WaitForExit(); // drains the redirected streams
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }

    private void Append(string? line, bool isError)
    {
        if (line is null) return;
        lock (_lines) _lines.Add((DateTime.UtcNow, line, isError));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"\]\[(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d{3})Z\]")]
    private static partial Regex AkkaTimestamp();
}
