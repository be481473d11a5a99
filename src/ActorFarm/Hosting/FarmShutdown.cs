using System.Runtime.InteropServices;
using ActorFarm.Node;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Hosting;

/// <summary>
/// What the farm does when its actor system shuts down (coordinated shutdown, whoever runs it: a
/// standalone farm's dispose or SIGTERM, a generic host's <c>StopAsync</c>): a worker member
/// drains, a coordinator member waits for the workers' drains, then hands its jobs over as the
/// member leaves. Both waits sit in the phase <c>service-requests-done</c>, and each ends within
/// <see cref="DrainTimings.Longest"/>; a standalone farm's phase lasts <see cref="DrainTimings.Phase"/>.
/// </summary>
internal static class FarmShutdown
{
    /// <summary>
    /// A worker node that leaves (dispose, SIGTERM, end of allocation) first stops taking tasks,
    /// gives back the queued ones and lets the running ones finish within the grace: nothing it
    /// held is lost, and little is run twice. The grace is taken when the drain starts: a node
    /// with a leave time gives its tasks only what is left before it (<see cref="NodeSettings.GraceAt"/>).
    /// </summary>
    public static void DrainBeforeLeaving(ActorSystem system, IActorRef node, NodeSettings settings) =>
        WaitBeforeLeaving(system, "drain-node",
            () =>
            {
                var grace = settings.GraceAt(DateTimeOffset.UtcNow);
                return node.Ask<NodeSupervisor.Drained>(new NodeSupervisor.Drain(grace), grace + settings.DrainSettle);
            },
            "The node did not drain in time; tasks it still held run again elsewhere.");

    /// <summary>
    /// A coordinator node that leaves first waits, up to the worker nodes' drain grace and settle
    /// (<see cref="DrainTimings.Longest"/>, the same drain timings as theirs), until no worker node
    /// holds a lease of its jobs: when a whole allocation is signalled at once (plain scancel, time
    /// limit) the workers' last results still reach the journal instead of running again next
    /// time. Embedded farms (grace 0) do not wait.
    /// </summary>
    public static void AwaitWorkerDrainsBeforeLeaving(ActorSystem system, IActorRef jobs, DrainTimings workerDrains)
    {
        if (workerDrains.Grace <= TimeSpan.Zero) return;
        var patience = workerDrains.Longest;
        WaitBeforeLeaving(system, "await-worker-drains", async () =>
            {
                // One bound for the whole wait, the region's answer included.
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var state = await jobs.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, patience);
                var left = patience - clock.Elapsed;
                if (left <= TimeSpan.Zero) throw new TimeoutException();
                await Task.WhenAll(state.Shards.SelectMany(shard => shard.EntityIds)
                    .Select(jobId => jobs.Ask<NodesDrained>(new AwaitNodesDrained(jobId), left)));
            },
            $"Worker nodes still held tasks after {patience}; those run again when the jobs resume.");
    }

    /// <summary>
    /// SIGTERM or SIGINT reach the node supervisor at once, ahead of the coordinated shutdown the
    /// host starts for them: the same signal may be killing the node's tasks right now. The
    /// handlers only listen (they never cancel the signal's default action).
    /// </summary>
    public static void TellNodeOfStopSignals(ActorSystem system, IActorRef node)
    {
        var registrations = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => node.Tell(NodeSupervisor.StopSignalled.Instance)))
            .ToArray();
        system.WhenTerminated.ContinueWith(_ =>
        {
            foreach (var registration in registrations) registration.Dispose();
        }, TaskScheduler.Default);
    }

    /// <summary>Leaves the cluster at <paramref name="drainAt"/> (a node's end of allocation, less its drain and leave).</summary>
    public static void LeaveOnSchedule(ActorSystem system, DateTimeOffset drainAt)
    {
        var delay = drainAt - DateTimeOffset.UtcNow;
        var shutdown = CoordinatedShutdown.Get(system);
        if (delay <= TimeSpan.Zero)
        {
            shutdown.Run(FarmHost.ScheduledLeaveReason.Instance);
            return;
        }
        system.Scheduler.Advanced.ScheduleOnce(delay, () => shutdown.Run(FarmHost.ScheduledLeaveReason.Instance));
    }

    /// <summary>
    /// A bounded wait in the shutdown phase <c>service-requests-done</c>: a wait that times out
    /// is logged, never fatal, so the node still leaves.
    /// </summary>
    private static void WaitBeforeLeaving(ActorSystem system, string taskName, Func<Task> wait, string onTimeout) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, taskName, async () =>
        {
            try
            {
                await wait();
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                system.Log.Warning(onTimeout);
            }
            return Akka.Done.Instance;
        });
}
