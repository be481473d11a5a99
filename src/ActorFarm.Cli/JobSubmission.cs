using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Manifest;

namespace ActorFarm.Cli;

/// <summary>Submits a manifest's jobs for <c>run</c> (its embedded farm) and <c>submit</c> (a farm cluster).</summary>
internal static class JobSubmission
{
    /// <summary>
    /// Submits every job, in the manifest's order, saying each; returns their ids. Every job is
    /// checked before any is submitted (<see cref="FarmClient.EnsureSpecFits"/>): bad input starts nothing.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SubmitAllAsync(FarmClient client, IReadOnlyList<JobSpec> jobs, IOutput output,
        CancellationToken ct)
    {
        foreach (var job in jobs) client.EnsureSpecFits(job);
        var ids = new List<string>();
        foreach (var job in jobs)
        {
            var submitted = await client.SubmitAsync(job, cancellationToken: ct);
            output.JobSubmitted(submitted);
            ids.Add(submitted.JobId);
        }
        return ids;
    }
}
