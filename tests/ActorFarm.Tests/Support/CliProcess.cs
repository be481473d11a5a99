using System.Diagnostics;
using System.Text;

namespace ActorFarm.Tests.Support;

/// <summary>Starts the real <c>actorfarm</c> program (built next to the tests) as a child process.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Cli.dll");

    public static CliProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ProgramPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Runs to the end and returns the exit code (fails the test after <paramref name="timeout"/>).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var cli = Start(workingDirectory, args);
        await cli.WaitAsync(timeout);
        return (cli.Process.ExitCode, cli.Stdout, cli.Stderr);
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            Process.WaitForExit(); // drains the redirected streams
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorfarm did not exit within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public void KillHard() => Process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
