using System.Text.Json;
using ActorFarm.Hosting;
using ActorFarm.IntegrationTests.Cli;

namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// One manifest run through the real launcher (<c>slurm/actorfarm.sbatch</c>) on the test cluster,
/// possibly over several allocations: a temp directory is the submit directory (so the SQLite
/// journal lands in its default place, <c>.actorfarm</c>), the manifest's tasks leave one file per
/// execution in <see cref="ExecutionsDirectory"/>, and each allocation's output is kept for
/// assertion messages. Jobs still queued or running when the test ends are cancelled.
/// </summary>
public sealed class FarmBatchJob : IDisposable
{
    private static readonly TimeSpan AllocationTimeout = TimeSpan.FromMinutes(5);
    private static readonly HashSet<string> ActiveStates = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"];

    private readonly TempDirectory _dir = new("actorfarm-slurm");
    private readonly List<string> _submitted = [];

    public FarmBatchJob(string jobName)
    {
        JobName = jobName;
        ExecutionsDirectory = Directory.CreateDirectory(_dir.File("executions")).FullName;
    }

    public string JobName { get; }

    /// <summary>Extra environment for the launcher (ACTORFARM_END_MARGIN, for instance).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public string ExecutionsDirectory { get; }

    public string ManifestPath => _dir.File("jobs.hocon");

    public string StateDirectory => _dir.File(".actorfarm");

    public string ResultsPath => Path.Combine(_dir.Path, "out", JobName, "results.jsonl");

    /// <summary>A path in the submit directory.</summary>
    public string File(string name) => _dir.File(name);

    /// <summary>
    /// Writes a manifest of <paramref name="tasks"/> tasks that each leave a uniquely named file
    /// <c>executions/&lt;index&gt;.&lt;random&gt;</c>, sleep, and exit with 0 (3 for
    /// <paramref name="failingIndex"/>); <paramref name="extraKeys"/> go into the job.
    /// </summary>
    public FarmBatchJob WithCountingTasks(int tasks, double sleepSeconds, string extraKeys = "", int failingIndex = -1)
    {
        var sleep = sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        System.IO.File.WriteAllText(ManifestPath, $$"""
            jobs {
              {{JobName}} {
                command = ["/bin/sh", "-c", "mktemp \"$0/$1.XXXXXX\" > /dev/null; sleep {{sleep}}; [ \"$1\" != {{failingIndex}} ] || exit 3",
                           "{{ExecutionsDirectory}}", "${index}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                {{extraKeys}}
                output { directory = "out", capture = none }
              }
            }
            """);
        return this;
    }

    /// <summary>
    /// Writes a manifest of <paramref name="tasks"/> counted tasks (as <see cref="WithCountingTasks"/>)
    /// that wait until the file <see cref="Gate"/> exists: the farm stays up, with the launcher's
    /// own job running, while a test does what it must. Priority 10, so on a loaded machine another
    /// job submitted into the farm cannot take the slots and finish first.
    /// </summary>
    public FarmBatchJob WithGatedTasks(int tasks)
    {
        System.IO.File.WriteAllText(ManifestPath, $$"""
            jobs {
              {{JobName}} {
                priority = 10
                command = ["/bin/sh", "-c", "mktemp \"$0/$1.XXXXXX\" > /dev/null; while [ ! -e {{Gate}} ]; do sleep 0.1; done",
                           "{{ExecutionsDirectory}}", "${index}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        return this;
    }

    /// <summary>The file whose creation lets the tasks of <see cref="WithGatedTasks"/> end.</summary>
    public string Gate => _dir.File("gate");

    /// <summary>sbatch's options, then the launcher with the manifest; returns the SLURM job id at once.</summary>
    public async Task<string> SubmitAsync(params string[] sbatchOptions)
    {
        string[] args =
        [
            "--parsable", "--chdir", _dir.Path, "--output", _dir.File("slurm-%j.out"),
            .. sbatchOptions,
            RepositoryRoot.Combine("slurm", "actorfarm.sbatch"), ManifestPath,
        ];
        var result = await ChildProcess.RunAsync("sbatch", args, TimeSpan.FromMinutes(1), _dir.Path, LauncherEnvironment());
        if (result.ExitCode != 0)
            throw new InvalidOperationException(result.Describe("sbatch"));
        var jobId = result.Stdout.Trim().Split(';')[0];
        _submitted.Add(jobId);
        return jobId;
    }

    /// <summary>Submits and waits until the allocation has ended and every process of it is gone.</summary>
    public async Task<SlurmJobEnd> RunAsync(params string[] sbatchOptions) => await WaitForEndAsync(await SubmitAsync(sbatchOptions));

    public async Task<SlurmJobEnd> WaitForEndAsync(string jobId)
    {
        var deadline = DateTime.UtcNow + AllocationTimeout;
        while (ActiveStates.Contains(await StateAsync(jobId)))
        {
            if (DateTime.UtcNow > deadline)
            {
                await ChildProcess.RunAsync("scancel", [jobId], TimeSpan.FromSeconds(30));
                throw new TimeoutException($"SLURM job {jobId} did not end within {AllocationTimeout}.\n{Output(jobId)}");
            }
            await Task.Delay(500);
        }
        var show = (await ChildProcess.RunCheckedAsync("scontrol", ["show", "job", jobId], TimeSpan.FromMinutes(1))).Stdout;
        var state = Field(show, "JobState");
        var exit = Field(show, "ExitCode").Split(':');
        return new SlurmJobEnd(jobId, state, int.Parse(exit[0]), int.Parse(exit[1]), Output(jobId));
    }

    /// <summary>Waits until the tasks have run at least <paramref name="count"/> times in all (the job must still run).</summary>
    public async Task WaitForExecutionsAsync(string jobId, int count)
    {
        var deadline = DateTime.UtcNow + AllocationTimeout;
        while (Executions().Values.Sum() < count)
        {
            var state = await StateAsync(jobId);
            if (!ActiveStates.Contains(state))
                throw new InvalidOperationException($"SLURM job {jobId} ended ({state}) before {count} executions.\n{Output(jobId)}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"fewer than {count} executions within {AllocationTimeout}.\n{Output(jobId)}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the allocation's output has a line containing <paramref name="text"/> (the job must still run).</summary>
    public Task WaitForOutputAsync(string jobId, string text) =>
        WaitForAsync(jobId, $"'{text}'", output => output.Contains(text, StringComparison.Ordinal));

    /// <summary>The JSON events named <paramref name="name"/> the allocation's farm processes printed so far (see <see cref="JsonEvents"/>).</summary>
    public List<JsonElement> Events(string jobId, string name) => JsonEvents.Named(Output(jobId), name);

    /// <summary>Waits until a farm process of the allocation printed a JSON event <paramref name="name"/> that <paramref name="which"/> accepts.</summary>
    public Task WaitForEventAsync(string jobId, string name, Func<JsonElement, bool> which) =>
        WaitForAsync(jobId, $"the JSON event '{name}' waited for", output => JsonEvents.Named(output, name).Any(which));

    private async Task WaitForAsync(string jobId, string what, Func<string, bool> printed)
    {
        var deadline = DateTime.UtcNow + AllocationTimeout;
        while (!printed(Output(jobId)))
        {
            var state = await StateAsync(jobId);
            if (!ActiveStates.Contains(state))
                throw new InvalidOperationException($"SLURM job {jobId} ended ({state}) before printing {what}.\n{Output(jobId)}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"SLURM job {jobId} did not print {what} within {AllocationTimeout}.\n{Output(jobId)}");
            await Task.Delay(200);
        }
    }

    /// <summary>Executions per task index, from the side-effect files.</summary>
    public Dictionary<long, int> Executions() =>
        Directory.EnumerateFiles(ExecutionsDirectory)
            .Select(f => long.Parse(Path.GetFileName(f).Split('.')[0]))
            .GroupBy(i => i)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// The indices whose final result is in the SQLite journal (read after the allocation ended);
    /// none when the farm never got as far as creating it.
    /// </summary>
    public HashSet<long> JournaledIndices()
    {
        var database = SqliteJournal.DatabasePath(StateDirectory);
        try
        {
            return JournalPeek.RecordedIndices(database);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.Message.Contains("no such table"))
        {
            return [];
        }
    }

    public List<JsonElement> Results() => ResultsFile.Read(ResultsPath);

    public string Output(string jobId)
    {
        var file = _dir.File($"slurm-{jobId}.out");
        return System.IO.File.Exists(file) ? $"--- output of SLURM job {jobId} ---\n{System.IO.File.ReadAllText(file)}" : $"(no output file for SLURM job {jobId})";
    }

    private static async Task<string> StateAsync(string jobId)
    {
        // Empty once SLURM forgot the job (MinJobAge): it ended long ago.
        var result = await ChildProcess.RunAsync("squeue", ["-h", "-j", jobId, "-o", "%T"], TimeSpan.FromSeconds(30));
        return result.ExitCode == 0 ? result.Stdout.Trim() : "";
    }

    private static string Field(string scontrolShow, string name) =>
        scontrolShow.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .First(part => part.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>The programs the launcher runs: the CLI next to the tests, the Lighthouse of the same build.</summary>
    private Dictionary<string, string> LauncherEnvironment()
    {
        var lighthouse = LighthouseProgram();
        if (!System.IO.File.Exists(lighthouse))
            throw new InvalidOperationException($"{lighthouse} is missing: build the solution (dotnet build ActorFarm.sln -c Release) first");
        return new Dictionary<string, string>(Environment)
        {
            ["ACTORFARM_CLI"] = FarmPrograms.CliPath,
            ["ACTORFARM_LIGHTHOUSE"] = lighthouse,
        };
    }

    private static string LighthouseProgram()
    {
        // The tests run from tests/ActorFarm.IntegrationTests/bin/<Configuration>/<tfm>/.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        return RepositoryRoot.Combine("lighthouse", "bin", configuration, tfm.Name, "ActorFarm.Lighthouse.dll");
    }

    public void Dispose()
    {
        foreach (var jobId in _submitted)
            ChildProcess.RunAsync("scancel", [jobId], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
