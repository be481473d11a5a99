using Spectre.Console;

namespace ActorFarm.Cli.Output;

/// <summary>One cell of a <see cref="TextTable"/>: its text and, on a terminal only, a Spectre style such as "red".</summary>
internal readonly record struct TextCell(string Text, string? Style = null)
{
    public static implicit operator TextCell(string text) => new(text);
}

/// <summary>
/// A table of the text output. On a terminal it is a Spectre table fitted to the window; off a
/// terminal Spectre would wrap it at 80 columns and split ids and paths across lines, so it is
/// written as one line per row, columns padded to their widest value and nothing cut or wrapped,
/// which also keeps it easy to grep and to read in a log.
/// </summary>
internal sealed class TextTable(params string[] columns)
{
    private readonly List<TextCell[]> _rows = new();

    public TextTable AddRow(params TextCell[] cells)
    {
        if (cells.Length != columns.Length) throw new ArgumentException($"expected {columns.Length} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    public void Write()
    {
        if (Terminal.IsInteractive) WriteTable();
        else WriteLines(Console.Out);
    }

    private void WriteTable()
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns(columns);
        foreach (var row in _rows)
            table.AddRow(row.Select(c => c.Style is null ? Markup.Escape(c.Text) : $"[{c.Style}]{Markup.Escape(c.Text)}[/]").ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>The header and one line per row, columns apart by two spaces (the last one unpadded).</summary>
    public void WriteLines(TextWriter writer)
    {
        var widths = columns.Select((c, i) => _rows.Select(r => r[i].Text.Length).Append(c.Length).Max()).ToArray();
        writer.WriteLine(Line(columns));
        foreach (var row in _rows) writer.WriteLine(Line(row.Select(c => c.Text).ToArray()));

        string Line(string[] cells) =>
            string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
    }
}
