namespace ActorFarm.Hosting;

/// <summary>A job's spec is too big to travel to a remote farm in one message (see <see cref="FarmClient.EnsureSpecFits"/>).</summary>
public sealed class JobSpecTooLargeException(string message) : ArgumentException(message);
