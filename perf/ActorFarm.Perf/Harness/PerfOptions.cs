namespace ActorFarm.Perf.Harness;

/// <summary>What one invocation of the harness should do, parsed from its command line.</summary>
public sealed record PerfOptions
{
    /// <summary>Every part at a tiny size, in seconds; no peers, no plots. For the smoke test.</summary>
    public bool Smoke { get; init; }

    /// <summary>Run only this part (its <see cref="IPerfPart.Name"/>); null runs them all.</summary>
    public string? Only { get; init; }

    /// <summary>The folder that receives results/, plots/ and RESULTS.md: the checkout's perf/, or perf/smoke/ with --smoke.</summary>
    public required string OutputRoot { get; init; }

    /// <summary>The checkout's root (holds ActorFarm.sln): peer scripts and the lighthouse live under it.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Seed of every random choice (task durations), so runs are comparable.</summary>
    public int Seed { get; init; } = 20131;

    /// <summary>Slot counts of the embedded weak-scaling runs; null takes the part's default.</summary>
    public int[]? Slots { get; init; }

    /// <summary>Nominal task duration d of the weak-scaling runs, in seconds; null takes the default.</summary>
    public double? TaskSeconds { get; init; }

    /// <summary>Rounds of the parts that compare two variants in alternating order (tls, embedding); null takes the part's default.</summary>
    public int? Rounds { get; init; }

    /// <summary>The command line as typed, recorded in RESULTS.md.</summary>
    public string CommandLine { get; init; } = "";

    public string ResultsDirectory => Path.Combine(OutputRoot, "results");

    public string PlotsDirectory => Path.Combine(OutputRoot, "plots");

    public string ReportPath => Path.Combine(OutputRoot, "RESULTS.md");

    /// <summary>
    /// perf/PROFILES.md, kept by hand: what the profiles of each figure below its target showed,
    /// the fixes made and those planned. RESULTS.md carries it after the targets table.
    /// </summary>
    public string ProfilesPath => Path.Combine(RepositoryRoot, "perf", "PROFILES.md");

    /// <summary>Figures measured by hand with the scripts beside the harness (a SLURM allocation's useful time), kept in RESULTS.md.</summary>
    public string ByHandPath => Path.Combine(RepositoryRoot, "perf", "BY-HAND.md");

    public bool Runs(string part) => Only is null || string.Equals(Only, part, StringComparison.OrdinalIgnoreCase);
}
