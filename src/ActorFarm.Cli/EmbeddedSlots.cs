using ActorFarm.Manifest;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>
/// The embedded farm of <c>actorfarm run</c> is one node: a job whose tasks take more slots
/// (<c>cpus</c>) than that node has could never run, and the run would wait for ever for a node
/// that will not come. Such a job is bad input for this run, refused before anything starts.
/// (A cluster's jobs wait instead, and <c>actorfarm status</c> says why: a larger node may join.)
/// </summary>
internal static class EmbeddedSlots
{
    /// <summary>The node's slots: <c>--slots</c>, else <c>actorfarm.node.slots</c> from <c>--config</c>, else one per processor.</summary>
    public static int Of(int? slotsOption, Config? extra)
    {
        if (slotsOption is { } slots) return slots;
        var configured = extra is not null && extra.HasPath("actorfarm.node.slots") ? extra.GetInt("actorfarm.node.slots") : 0;
        return configured > 0 ? configured : Environment.ProcessorCount;
    }

    /// <summary>One error per job whose tasks do not fit the node, at its <c>cpus</c> key.</summary>
    public static IReadOnlyList<ManifestError> Problems(ActorFarm.Manifest.Manifest manifest, int slots) =>
        manifest.Jobs
            .Where(job => job.SlotsPerTask > slots)
            .Select(job => new ManifestError(manifest.SourceFile, KeyPath.Root.Child("jobs").Child(job.Name).Child("cpus").ToString(), null,
                $"each task takes {job.SlotsPerTask} slots, more than this machine's farm has ({slots}); raise --slots or lower cpus"))
            .ToList();
}
