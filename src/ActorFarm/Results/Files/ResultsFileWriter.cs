using ActorFarm.Results.Journal;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results.Files;

/// <summary>
/// Writes results pages (from the journal on a coordinator, or through the farm on a client) to
/// a results file, replacing it atomically so a reader never sees half a file.
/// </summary>
internal static class ResultsFileWriter
{
    /// <summary>The default results file of a job: <c>&lt;output&gt;/&lt;job&gt;/results.jsonl</c> (or .csv).</summary>
    public static string DefaultPath(JobSpec spec, ResultsFormat format = ResultsFormat.Jsonl) =>
        OutputLayout.ResultsFile(spec, csv: format == ResultsFormat.Csv);

    /// <summary>
    /// Writes every page to <paramref name="path"/> (default: <see cref="DefaultPath"/> of the spec
    /// in the first page) and returns the path. Fails with <see cref="InvalidOperationException"/>
    /// when the first page carries an error or no spec.
    /// </summary>
    public static async Task<string> WriteAsync(IAsyncEnumerable<ResultsPage> pages, ResultsFormat format, string? path,
        CancellationToken cancellationToken = default)
    {
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        if (!await enumerator.MoveNextAsync())
            throw new InvalidOperationException("no results page was read");
        var first = enumerator.Current;
        var spec = ResultPages.SpecOf(first);

        path ??= DefaultPath(spec, format);
        using var file = ResultsFile.Create(spec, format, path, path + ".partial");
        var page = first;
        while (true)
        {
            if (page.Error is not null)
                throw new InvalidOperationException(page.Error);
            file.Append(page.Records);
            if (!await enumerator.MoveNextAsync()) break;
            page = enumerator.Current;
        }
        file.Complete();
        return path;
    }
}
