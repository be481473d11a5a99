using Akka.Actor;

namespace ActorFarm.Coordinator;

// The entity's timers and the messages it sends itself (piped results, its journal child's
// stop): none leaves the process. Apart from JobEntity.cs so that it holds only the fields and
// the behaviours.
internal sealed partial class JobEntity
{

    private sealed record RetryDue : INoSerializationVerificationNeeded
    {
        public static readonly RetryDue Instance = new();
    }

    private sealed record AnnounceDue : INoSerializationVerificationNeeded
    {
        public static readonly AnnounceDue Instance = new();
    }

    private sealed record ReattachGraceOver : INoSerializationVerificationNeeded
    {
        public static readonly ReattachGraceOver Instance = new();
    }

    private sealed record RetryJournal : INoSerializationVerificationNeeded
    {
        public static readonly RetryJournal Instance = new();
    }

    private sealed record ResultsExported(string Path, int Generation) : INoSerializationVerificationNeeded;

    private sealed record ResultsExportFailed(Exception Cause, int Generation) : INoSerializationVerificationNeeded;

    /// <summary>The journal child stopped; handled after anything it said before it stopped.</summary>
    private sealed record JournalStopped(IActorRef Journal, Exception Cause) : INoSerializationVerificationNeeded;

    /// <summary>A batch is acknowledged once every final result absorbed up to it is journaled.</summary>
    private readonly record struct PendingAck(long Watermark, IActorRef Node, long BatchId);

    /// <summary>A held query's time is up; also its timer's key (records compare by value).</summary>
    private sealed record StatusHoldOver(IActorRef Asker) : INoSerializationVerificationNeeded;
}
