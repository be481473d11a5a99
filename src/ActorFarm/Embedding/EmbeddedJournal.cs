using ActorFarm.Hosting;
using ActorFarm.Persistence;
using Akka;
using Akka.Actor;
using Akka.Cluster;
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
    /// <exception cref="JournalInUseException">Another service (or farm), still running, owns the PostgreSQL journal.</exception>
    public static async Task PrepareAsync(ActorSystem system, ActorFarmOptions options, CancellationToken cancellationToken = default)
    {
        if (options.PostgresConnectionString is { } postgres)
        {
            await PostgresJournal.PrepareAsync(postgres, cancellationToken);
            await JoinPostgresAsync(system, postgres, cancellationToken);
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

    /// <summary>
    /// One farm at a time on a PostgreSQL journal, as a standalone farm (<see cref="PostgresFarmLease"/>):
    /// a second service on the same database would write the same persistence ids. The service's
    /// cluster is known by its configured seed nodes; a service that joins by code (no
    /// <c>akka.cluster.seed-nodes</c>) by this member's own address, so the coordinators of a
    /// multi-member service without seed nodes do not share an identity and refuse each other:
    /// such a service must configure its seed nodes.
    /// </summary>
    private static async Task JoinPostgresAsync(ActorSystem system, string postgres, CancellationToken cancellationToken)
    {
        var identity = PostgresFarmLease.IdentityFromSeeds(system.Settings.Config.GetStringList("akka.cluster.seed-nodes") ?? [])
            ?? Cluster.Get(system).SelfAddress.ToString();
        PostgresFarmLease lease;
        try
        {
            lease = await PostgresFarmLease.JoinAsync(postgres, identity, cancellationToken);
        }
        catch (JournalInUseException refused)
        {
            // Said here in the service's own log, whatever its host then does with the failed start.
            system.Log.Error("The farm does not start in this service: {0}", refused.Message);
            throw;
        }
        // Held for the life of the actor system, however it ends (PostgreSQL frees it if the process
        // dies). Released in the shutdown's last phase too, after the farm's last write, so that
        // once the service's host has stopped the next service on the database is not refused.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "actorfarm-release-journal",
            async () =>
            {
                await lease.DisposeAsync();
                return Done.Instance;
            });
        _ = system.WhenTerminated.ContinueWith(_ => lease.DisposeAsync().AsTask(), TaskScheduler.Default).Unwrap();
    }
}
