using System.Globalization;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// Parses the harness's few options. Kept by hand (no System.CommandLine) because the smoke test
/// and the child modes only ever pass a handful of flags.
/// </summary>
public static class PerfCommandLine
{
    public const string Usage = """
        usage: dotnet ActorFarm.Perf.dll [--smoke] [--only PART] [--out DIR] [--slots 1,2,4] [--task-seconds D] [--seed N] [--rounds N]
          PART: noop | process | scaling | peers | memory | resume | tls | embedding | chaos
          --smoke         every part at a tiny size (a few seconds), no peers, no plots; writes under perf/smoke/
          --out DIR       where results/, plots/ and RESULTS.md go (default perf/ of this checkout)
          --slots LIST    slot counts of the embedded weak-scaling runs
          --task-seconds  nominal task duration d of the weak-scaling runs
          --rounds N      rounds of the parts that alternate variants (tls, embedding; default 3)
        """;

    public static PerfOptions Parse(string[] args, string repositoryRoot)
    {
        var smoke = false;
        string? only = null, output = null;
        int[]? slots = null;
        double? seconds = null;
        var seed = 20131;
        int? rounds = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--only": only = Value(); break;
                case "--out": output = Path.GetFullPath(Value()); break;
                case "--slots": slots = Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--task-seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.\n{Usage}");
            }
        }
        return new PerfOptions
        {
            Smoke = smoke,
            Only = only,
            OutputRoot = output ?? Path.Combine(repositoryRoot, "perf", smoke ? "smoke" : ""),
            RepositoryRoot = repositoryRoot,
            Seed = seed,
            Slots = slots,
            TaskSeconds = seconds,
            Rounds = rounds is null or > 0 ? rounds : throw new ArgumentException($"--rounds must be at least 1.\n{Usage}"),
            CommandLine = $"dotnet {Path.GetRelativePath(repositoryRoot, typeof(PerfCommandLine).Assembly.Location)} " + string.Join(' ', args),
        };
    }

    /// <summary>The checkout holding this build: the first folder above the program with ActorFarm.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorFarm.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
