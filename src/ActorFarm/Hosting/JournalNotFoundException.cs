namespace ActorFarm.Hosting;

/// <summary>Where a journal should be, there is none (a mistyped <c>--state-dir</c>): one sentence saying so.</summary>
internal sealed class JournalNotFoundException(string message) : Exception(message);
