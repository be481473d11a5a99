namespace ActorFarm.Perf.Harness;

/// <summary>What every part shares during one harness run: the options, the report, where files go.</summary>
public sealed class PerfRun(PerfOptions options)
{
    public PerfOptions Options { get; } = options;

    public PerfReport Report { get; } = new();

    public bool Smoke => Options.Smoke;

    /// <summary>A scratch folder for state directories, manifests and task output, removed at the end.</summary>
    public string Scratch { get; } = Directory.CreateTempSubdirectory("actorfarm-perf-").FullName;

    public string WriteCsv(ResultsTable table) => table.WriteCsv(Options.ResultsDirectory);

    /// <summary>A fresh empty folder under <see cref="Scratch"/>.</summary>
    public string NewScratchDirectory(string name)
    {
        var path = Path.Combine(Scratch, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
