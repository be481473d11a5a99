using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Coordinator;

// Status queries held until the job settles (long polling, see GetJobStatus.HoldUpTo): a client
// watching the job hears the end the moment the results file is written.
internal sealed partial class JobEntity
{
    private void HandleStatus(GetJobStatus query)
    {
        var status = Status();
        if (query.HoldUpTo is not { } hold || hold <= TimeSpan.Zero || status.IsSettled || status.Phase == JobPhase.Unknown)
        {
            Sender.Tell(status);
            return;
        }
        if (_heldStatusQueries.Add(Sender))
            Timers.StartSingleTimer(new StatusHoldOver(Sender), new StatusHoldOver(Sender), hold);
    }

    private void ReleaseHeldStatus(StatusHoldOver over)
    {
        if (_heldStatusQueries.Remove(over.Asker))
            over.Asker.Tell(Status());
    }

    /// <summary>Called when the job settles: every held query hears it now.</summary>
    private void ReleaseHeldStatuses()
    {
        if (_heldStatusQueries.Count == 0) return;
        var status = Status();
        foreach (var asker in _heldStatusQueries)
        {
            asker.Tell(status);
            Timers.Cancel(new StatusHoldOver(asker));
        }
        _heldStatusQueries.Clear();
    }
}
