using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Benchmarks.Dispatch;

/// <summary>
/// Plays the job entity for the node-side benchmark: grants leases as fast as they are asked
/// for, counts results, and completes a promise when every task of the current round is back.
/// No ledger, no journal, so what is measured is the node side alone.
/// </summary>
public sealed class CountingJobActor : ReceiveActor
{
    /// <summary>One life of the job entity throughout: nothing here ever crashes or moves.</summary>
    public const string Incarnation = "bench-1";

    private Round? _round;
    private long _next;
    private long _returned;

    public CountingJobActor()
    {
        Receive<Round>(round =>
        {
            _round = round;
            _next = 0;
            _returned = 0;
        });
        Receive<RequestTasks>(request =>
        {
            var round = _round!;
            var count = (int)Math.Min(request.Credits, round.Tasks - _next);
            var leases = new TaskLease[count];
            for (var i = 0; i < count; i++) leases[i] = new TaskLease(_next++, 1);
            Sender.Tell(new TaskBatch(request.JobId, Incarnation, request.NeedSpec ? round.Spec : null, leases, Exhausted: _next >= round.Tasks));
        });
        Receive<TaskResults>(results =>
        {
            _returned += results.Results.Length;
            if (_returned >= _round!.Tasks) _round.Done.TrySetResult();
        });
    }

    /// <summary>Starts a round: a new job id, its spec and task count, and the promise to complete.</summary>
    public sealed record Round(string JobId, JobSpec Spec, long Tasks, TaskCompletionSource Done);
}

/// <summary>Stands in for the job directory: the benchmark tells the node its active jobs itself.</summary>
public sealed class SilentDirectoryActor : ReceiveActor
{
    public SilentDirectoryActor() => ReceiveAny(_ => { });
}
