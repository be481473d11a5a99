using ActorFarm.Hosting;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Embedding;

/// <summary>
/// The store checks a coordinator member runs before its farm touches a journal the farm
/// configured itself, as a standalone farm does (<see cref="FarmHost.StartAsync"/>): Akka would
/// create its tables in an empty or foreign store, and a second writer would run the same tasks again.
/// </summary>
internal static class EmbeddedJournal
{
    /// <exception cref="StateDirectoryInUseException">Another process holds the state directory.</exception>
    /// <exception cref="JournalRejectedException">The store is not an ActorFarm journal this build can use.</exception>
    public static async Task PrepareAsync(ActorSystem system, ActorFarmOptions options, CancellationToken cancellationToken = default)
    {
        if (options.PostgresConnectionString is { } postgres)
        {
            await PostgresJournal.PrepareAsync(postgres, cancellationToken);
            return;
        }
        var stateLock = StateDirectoryLock.Acquire(options.StateDirectory);
        try
        {
            SqliteJournal.Prepare(options.StateDirectory);
        }
        catch
        {
            stateLock.Dispose();
            throw;
        }
        // Held for the life of the actor system, however it ends.
        _ = system.WhenTerminated.ContinueWith(_ => stateLock.Dispose(), TaskScheduler.Default);
        if (stateLock.NotEnforcedBecause is { } why)
            system.Log.Warning("The state directory cannot be locked: {0}; make sure no other farm uses it at the same time.", why);
    }
}
