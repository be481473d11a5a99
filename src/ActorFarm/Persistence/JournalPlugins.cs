namespace ActorFarm.Persistence;

/// <summary>
/// The Akka.Persistence plugins the farm's journal lives in: the write journal and snapshot store
/// its job entities, job directory and job region use, and the read journal its results are read
/// from. The farm needs Akka.Persistence.Sql (results are read through its query journal); the
/// plugin ids name where each plugin's configuration sits.
/// </summary>
/// <param name="JournalPluginId">Configuration path of the write journal.</param>
/// <param name="SnapshotPluginId">Configuration path of the snapshot store.</param>
/// <param name="QueryPluginId">Configuration path of the Akka.Persistence.Sql read journal over that write journal.</param>
public sealed record JournalPlugins(string JournalPluginId, string SnapshotPluginId, string QueryPluginId)
{
    /// <summary>Akka.Persistence.Sql's own plugin ids: what a standalone farm uses, and an embedded farm's default.</summary>
    public static readonly JournalPlugins Sql = new(
        "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql");
}
