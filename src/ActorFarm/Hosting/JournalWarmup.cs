using ActorFarm.Persistence;
using Akka.Actor;
using Akka.Persistence;

namespace ActorFarm.Hosting;

/// <summary>
/// Recovers a persistence id that never has events, once, as the process starts, then stops.
/// The first recovery in a process pays for compiling the journal's queries (linq2db) and the
/// recovery code, about 0.4 s of CPU; done here it overlaps the cluster join instead of delaying
/// the job directory and the sharding coordinator, which recover only once the node is Up.
/// </summary>
internal sealed class JournalWarmup : ReceivePersistentActor
{
    public JournalWarmup(JournalPlugins plugins)
    {
        JournalPluginId = plugins.JournalPluginId;
        SnapshotPluginId = plugins.SnapshotPluginId;
        Recover<RecoveryCompleted>(_ => Context.Stop(Self));
    }

    public static Props Props(JournalPlugins plugins) => Akka.Actor.Props.Create(() => new JournalWarmup(plugins));

    public override string PersistenceId => "actorfarm-journal-warmup";
}
