using System.Globalization;
using System.Text;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// One table of measurements: written as CSV under results/ (the data) and as a Markdown table
/// in RESULTS.md (for reading). Cells are formatted once, by the part that measured them.
/// </summary>
public sealed class ResultsTable(string name, params string[] columns)
{
    private readonly List<string[]> _rows = new();

    /// <summary>The CSV's file name without extension, e.g. <c>noop-throughput</c>.</summary>
    public string Name { get; } = name;

    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<string[]> Rows => _rows;

    public void Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"table {Name} has {Columns.Count} columns, got {cells.Length} cells");
        _rows.Add(cells.Select(Format).ToArray());
    }

    public string WriteCsv(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Name + ".csv");
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', Columns.Select(Quote)));
        foreach (var row in _rows) text.AppendLine(string.Join(',', row.Select(Quote)));
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", Columns) + " |");
        text.AppendLine("|" + string.Concat(Columns.Select(_ => " --- |")));
        foreach (var row in _rows) text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
        return text.ToString();
    }

    /// <summary>How a cell reads: 3 significant-ish digits for doubles, invariant culture.</summary>
    public static string Format(object? cell) => cell switch
    {
        null => "",
        double d when double.IsNaN(d) => "",
        double d => d.ToString(Math.Abs(d) >= 100 ? "F0" : Math.Abs(d) >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";
}
