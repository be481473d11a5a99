namespace ActorFarm.Persistence;

/// <summary>
/// Marker for everything written to the journal or the snapshot store. Bound in HOCON to
/// <see cref="JournalEventSerializer"/> (System.Text.Json with explicit, stable type names),
/// never to Hyperion: renaming a CLR type must not break recovery of old journals.
/// </summary>
internal interface IJournalEvent;
