using System.Diagnostics;
using System.Text;

namespace ActorFarm.Testing;

/// <summary>
/// Runs one SDK command (<c>dotnet pack</c>, <c>dotnet tool install</c>, <c>dotnet build</c> of a
/// scratch project) or an installed tool the way a user's shell would, and returns its exit code
/// and output. The MSBuild variables that <c>dotnet test</c> hands down to this process are
/// removed, so the command sees a user's environment, not the test run's build.
/// </summary>
public static class DotnetCommand
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>;
    /// <paramref name="environment"/> adds or replaces variables. Past <paramref name="timeout"/> the
    /// process tree is killed and a <see cref="TimeoutException"/> carries the output so far.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in info.Environment.Keys.Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(name);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
            foreach (var (name, value) in environment) info.Environment[name] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var line = $"{Path.GetFileName(program)} {string.Join(' ', args)}";
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the end of both streams: a build server left running with them open
            // would hold this until the timeout, hence --disable-build-servers in the callers.
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            lock (output)
                throw new TimeoutException($"`{line}` did not finish within {timeout}:\n{Tail(output.ToString())}");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>The last lines of <paramref name="output"/>, for failure messages that stay readable.</summary>
    public static string Tail(string output, int lines = 60)
    {
        var all = output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
