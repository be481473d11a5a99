using System.Runtime.CompilerServices;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results.Journal;

/// <summary>
/// Walks a job's results pages (from the journal, or paged through the farm): the results file
/// writer and the typed rows of <see cref="Hosting.IFarmClient.ReadResultsAsync"/> read them the
/// same way, and fail the same way on an unknown job.
/// </summary>
internal static class ResultPages
{
    /// <summary>The job's spec, from its first page.</summary>
    /// <exception cref="InvalidOperationException">The page carries an error (unknown job, journal failure) or no spec.</exception>
    public static JobSpec SpecOf(ResultsPage first) =>
        first.Error is null && first.Spec is { } spec
            ? spec
            : throw new InvalidOperationException(first.Error ?? $"the first results page of job '{first.JobId}' has no spec");

    /// <summary>Every record of the pages as a typed row, in journal order.</summary>
    /// <exception cref="InvalidOperationException">A page carries an error (unknown job, journal failure), or the first has no spec.</exception>
    public static async IAsyncEnumerable<TaskResultRow> RowsAsync(IAsyncEnumerable<ResultsPage> pages,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JobSpec? spec = null;
        string? jobDirectory = null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            if (spec is null)
            {
                spec = SpecOf(page);
                jobDirectory = OutputLayout.JobDirectory(spec);
            }
            else if (page.Error is not null)
            {
                throw new InvalidOperationException(page.Error);
            }
            foreach (var record in page.Records)
            {
                parameters.Clear();
                Sweeps.ParametersAt(spec.Sweep, record.Index, parameters);
                yield return ResultRow.For(spec, jobDirectory!, record, parameters).ToTaskResultRow();
            }
        }
        if (spec is null) throw new InvalidOperationException("no results page was read");
    }
}
