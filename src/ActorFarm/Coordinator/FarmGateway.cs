using ActorFarm.Results.Journal;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;

namespace ActorFarm.Coordinator;

/// <summary>
/// The one door clients use, on every farm node at <see cref="Path"/>: in-process clients
/// (<see cref="Hosting.FarmHost.Client"/>) message it directly, remote ones through Akka's
/// ClusterClient (it is registered with the receptionist on coordinator-role nodes). Job commands
/// are forwarded to the job's shard, so the entity answers the client itself; results pages are
/// read from the journal here, off the entity's mailbox.
/// </summary>
internal sealed class FarmGateway : ReceiveActor
{
    public const string Name = "farm-gateway";
    public const string Path = "/user/" + Name;

    public FarmGateway(IActorRef jobs, IActorRef directory, IActorRef allocations, string? queryPluginId)
    {
        // A page must fit one remote message to the client.
        var recordsBudget = WireLimits.From(Context.System.Settings.Config).RecordsBudget;
        Receive<IJobCommand>(command => jobs.Forward(command));
        Receive<ListJobs>(list => directory.Forward(list));
        Receive<GetFarmOverview>(overview => directory.Forward(overview));
        Receive<IAllocationMessage>(command => allocations.Forward(command));
        Receive<GetResults>(query =>
        {
            JournalResults.ReadPageAsync(Context.System, query.JobId, query.FromSequenceNr, query.MaxRecords, query.FromRecord, recordsBudget,
                    query.SupersededBefore, queryPluginId: queryPluginId)
                .PipeTo(Sender, failure: e => new ResultsPage(query.JobId, null, [], query.FromSequenceNr, End: true,
                    Error: $"reading the journal failed: {e.Message}"));
        });
    }

    /// <param name="jobs">The job region (sharding) the gateway forwards job commands to.</param>
    /// <param name="directory">The job directory singleton's proxy (job lists).</param>
    /// <param name="allocations">The allocation queues singleton's proxy (<c>actorfarm alloc</c>).</param>
    /// <param name="queryPluginId">The read journal results pages come from (default: Akka.Persistence.Sql's own).</param>
    public static Props Props(IActorRef jobs, IActorRef directory, IActorRef allocations, string? queryPluginId = null) =>
        Akka.Actor.Props.Create(() => new FarmGateway(jobs, directory, allocations, queryPluginId));
}
