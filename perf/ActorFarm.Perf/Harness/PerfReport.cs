using System.Text;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// RESULTS.md: the machine, the date, the exact command, every figure against its peer and
/// target, then one section per part (its tables, how quiet the machine was, notes, plots).
/// </summary>
public sealed class PerfReport
{
    private readonly List<Section> _sections = new();
    private readonly List<TargetCheck> _checks = new();

    public Section AddSection(string title, string method)
    {
        var section = new Section(title, method);
        _sections.Add(section);
        return section;
    }

    public void Check(TargetCheck check) => _checks.Add(check);

    public IReadOnlyList<TargetCheck> Checks => _checks;

    public string Render(PerfOptions options, MachineInfo machine, DateTimeOffset started, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine(options.Smoke ? "# ActorFarm performance (smoke run: tiny sizes, figures meaningless)" : "# ActorFarm performance");
        text.AppendLine();
        text.AppendLine($"- **Machine**: {machine.Describe()}");
        text.AppendLine($"- **Date**: {started:yyyy-MM-dd HH:mm} UTC; the run took {took.TotalMinutes:F1} min");
        text.AppendLine($"- **Command**: `{options.CommandLine.Trim()}` (from the checkout's root; {DescribeBuild()})");
        text.AppendLine("- Every figure below was measured by this run; nothing is copied from elsewhere. How to run each part: [README.md](README.md).");
        text.AppendLine();

        text.AppendLine("## Against the peers");
        text.AppendLine();
        if (_checks.Count == 0)
        {
            text.AppendLine("No part that has a target ran.");
        }
        else
        {
            text.AppendLine("*Ratio* is ActorFarm ÷ peer, both measured in this run on this machine; the target says which way is better.");
            text.AppendLine();
            text.AppendLine("| measure | ActorFarm | peer | ratio | target | met |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var c in _checks)
                text.AppendLine($"| {c.Measure} | {c.Farm} | {c.Peer} | {(c.Ratio is { } r ? r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "×" : "—")} | {c.Target} | {(c.Met ? "yes" : "**no**")} |");
            var missed = _checks.Where(c => !c.Met).ToList();
            text.AppendLine();
            text.AppendLine(missed.Count == 0
                ? "Every measured figure meets its target."
                : $"**Below target ({missed.Count}):** " + string.Join("; ", missed.Select(c => $"{c.Measure} — {c.Farm} against {c.Target}")) + ".");
            if (missed.Count > 0 && File.Exists(options.ProfilesPath))
                AppendProfiles(text, options.ProfilesPath);
        }
        text.AppendLine();

        foreach (var section in _sections) section.Render(text);
        if (File.Exists(options.ByHandPath))
            AppendByHand(text, options.ByHandPath);
        return text.ToString();
    }

    /// <summary>
    /// Figures this harness cannot measure (they need a SLURM cluster), measured by hand and kept in
    /// perf/BY-HAND.md, so that regenerating RESULTS.md does not drop them. Each names its own date,
    /// machine and command.
    /// </summary>
    private static void AppendByHand(StringBuilder text, string path)
    {
        text.AppendLine("*The sections below come from [BY-HAND.md](BY-HAND.md), measured by hand, not by this run: each names its own date, machine and command.*");
        text.AppendLine();
        foreach (var line in File.ReadLines(path).SkipWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
            text.AppendLine(line);
    }

    /// <summary>How the farm's programs under test were compiled: the harness runs those next to it.</summary>
    private static string DescribeBuild() =>
        PublishedPrecompiled()
            ? "published precompiled: `dotnet publish perf/ActorFarm.Perf -c Release -r linux-x64 -o perf/bin/publish`, see README.md"
            : "built with `dotnet build ActorFarm.sln -c Release`, JIT-compiled at run time";

    /// <summary>Whether this harness (and the farm beside it) is a ReadyToRun image.</summary>
    private static bool PublishedPrecompiled()
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(typeof(PerfReport).Assembly.Location));
        return reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    /// <summary>
    /// The hand-kept analysis of the figures below target (perf/PROFILES.md), its headings moved
    /// under this report's: what each profile showed, the fix made, the fix planned.
    /// </summary>
    private static void AppendProfiles(StringBuilder text, string path)
    {
        text.AppendLine();
        text.AppendLine("### Below target: what the profiles showed, the fixes made and planned");
        text.AppendLine();
        text.AppendLine("*From [PROFILES.md](PROFILES.md), kept by hand: its figures come from the profiling runs it names (command and date given there), not from this run.*");
        text.AppendLine();
        foreach (var line in File.ReadLines(path).SkipWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
            text.AppendLine(line.StartsWith('#') ? "##" + line : line);
    }

    public sealed class Section(string title, string method)
    {
        private readonly List<(ResultsTable Table, string Quiet)> _tables = new();
        private readonly List<string> _notes = new();
        private readonly List<(string File, string Caption)> _plots = new();

        public void Add(ResultsTable table, Quietness quiet) => _tables.Add((table, quiet.Describe()));

        public void Note(string note) => _notes.Add(note);

        public void Plot(string fileName, string caption) => _plots.Add((fileName, caption));

        internal void Render(StringBuilder text)
        {
            text.AppendLine($"## {title}");
            text.AppendLine();
            text.AppendLine(method);
            text.AppendLine();
            foreach (var (table, quiet) in _tables)
            {
                text.AppendLine($"`results/{table.Name}.csv`");
                text.AppendLine();
                text.Append(table.ToMarkdown());
                text.AppendLine();
                text.AppendLine($"*Machine: {quiet}.*");
                text.AppendLine();
            }
            foreach (var note in _notes)
            {
                text.AppendLine(note);
                text.AppendLine();
            }
            foreach (var (file, caption) in _plots)
            {
                text.AppendLine($"![{caption}](plots/{file})");
                text.AppendLine();
            }
        }
    }
}
