using ActorFarm.Persistence;
using Akka.Actor;
using Akka.Persistence;

namespace ActorFarm.Benchmarks.Journal;

/// <summary>
/// Writes result events the way a job entity does under load: one <c>PersistAsync</c> in flight
/// at a time (group commit), the next one started from the previous one's handler.
/// </summary>
internal sealed class ResultsWriterActor : ReceivePersistentActor
{
    private readonly string _persistenceId = "bench-" + Guid.NewGuid().ToString("N");
    private int _left;
    private TaskResultsRecorded? _event;
    private TaskCompletionSource? _done;

    public ResultsWriterActor()
    {
        Command<Write>(write =>
        {
            _left = write.Events;
            _event = write.Event;
            _done = write.Done;
            PersistNext();
        });
    }

    public override string PersistenceId => _persistenceId;

    private void PersistNext()
    {
        if (_left-- == 0)
        {
            _done!.TrySetResult();
            return;
        }
        PersistAsync(_event!, _ => PersistNext());
    }

    /// <summary>Persist <paramref name="Events"/> copies of <paramref name="Event"/>, one after the other.</summary>
    public sealed record Write(TaskResultsRecorded Event, int Events, TaskCompletionSource Done);
}
