namespace ActorFarm.Protocol;

/// <summary>
/// Marker for every message that may cross the wire between farm processes. The HOCON
/// serialization bindings send all of them through the Hyperion wire serializer, whose type
/// allowlist admits only ActorFarm types (see <c>Serialization/WireTypeAllowlist</c>).
/// </summary>
internal interface IWireMessage;

/// <summary>A message addressed to one job entity; sharding routes it by <see cref="JobId"/>.</summary>
internal interface IWithJobId : IWireMessage
{
    string JobId { get; }
}
