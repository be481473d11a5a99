namespace ActorFarm.Protocol;

/// <summary>
/// What a journaled singleton (the job directory, the allocation queues) tells the parent that
/// restarts it (<c>Hosting.RestartingSingleton</c>) about its journal. Parent and child are one
/// process: these never travel.
/// </summary>
internal interface IJournalHealth;

/// <summary>
/// A journal write or recovery failed (the singleton stops next, as every persistent actor
/// does); <paramref name="Description"/> is one line naming what failed and where.
/// </summary>
internal sealed record JournalDown(string Description) : IJournalHealth
{
    /// <summary>What <paramref name="cause"/> means for the journal at <paramref name="journalLocation"/>, in its one line.</summary>
    public static JournalDown Of(Exception cause, string journalLocation) =>
        new(Persistence.JournalFault.From(cause, journalLocation).Describe());
}

/// <summary>The singleton recovered its state from the journal: it serves again.</summary>
internal sealed record JournalUp : IJournalHealth
{
    public static readonly JournalUp Instance = new();
}
