namespace ActorFarm.Hosting;

/// <summary>
/// The farm a <see cref="FarmClient"/> talks to is gone, or never answered: no contact point
/// could be reached, or nothing of the farm answered for <c>actorfarm.client.farm-lost-timeout</c>.
/// The message names the farm and what was waited for; the CLI prints it as its one error line
/// and exits with code 3.
/// </summary>
public sealed class FarmUnavailableException(string message) : Exception(message);
