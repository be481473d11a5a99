using System.Diagnostics;
using System.Text;

namespace ActorFarm.Allocation;

/// <summary>
/// The three SLURM commands an allocation queue needs, run as child processes (never on an
/// actor's thread: callers pipe the tasks back). A command that fails, cannot start or outlasts
/// the timeout throws <see cref="SlurmCommandException"/> with what it printed.
/// </summary>
internal sealed class SlurmCli(TimeSpan timeout)
{
    /// <summary>The SLURM job name of a queue's allocations: how squeue finds them again.</summary>
    public static string JobNameOf(string queueKey) => $"actorfarm-{queueKey}";

    /// <summary>Submits a batch script; returns SLURM's job id.</summary>
    public async Task<string> SubmitAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var output = await RunAsync("sbatch", ["--parsable", .. arguments], environment);
        // --parsable prints "jobid" or "jobid;cluster".
        var id = output.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new SlurmCommandException($"sbatch printed no job id: {output.Trim()}");
        return id;
    }

    /// <summary>
    /// This user's SLURM jobs with one of <paramref name="jobNames"/>: job id → (name, state as
    /// squeue prints it: PENDING, RUNNING, COMPLETING, …). A job SLURM has forgotten is absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (string Name, string State)>> ListAsync(IReadOnlyCollection<string> jobNames)
    {
        var jobs = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (jobNames.Count == 0) return jobs;
        var output = await RunAsync("squeue", ["-h", "-u", Environment.UserName, "--name", string.Join(',', jobNames), "-o", "%i %j %T"], null);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 3) jobs[fields[0]] = (fields[1], fields[2]);
        }
        return jobs;
    }

    /// <summary>
    /// Cancels an allocation: SLURM sends SIGTERM to every process of it, the farm nodes drain and
    /// leave, and a task killed by that signal goes back to its job unrun (docs/slurm.md).
    /// </summary>
    public Task CancelAsync(string jobId) => RunAsync("scancel", [jobId], null);

    private async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new SlurmCommandException($"{program} could not start ({e.Message}); is SLURM's client on PATH?");
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new SlurmCommandException($"{program} did not answer within {timeout.TotalSeconds:0} s");
        }
        var output = await stdout;
        var errors = (await stderr).Trim();
        if (process.ExitCode != 0)
            throw new SlurmCommandException($"{program} {Describe(arguments)} failed (exit {process.ExitCode}): {(errors.Length > 0 ? errors : output.Trim())}");
        return output;
    }

    private static string Describe(IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder();
        foreach (var argument in arguments.Take(6))
            text.Append(argument).Append(' ');
        return text.ToString().TrimEnd() + (arguments.Count > 6 ? " …" : "");
    }
}

/// <summary>A SLURM command failed; the message is one sentence for the queue's status and the log.</summary>
internal sealed class SlurmCommandException(string message) : Exception(message);
