using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Util;
using Hyperion;
using Hyperion.Internal;

namespace ActorFarm.Serialization;

/// <summary>
/// Serializes every <see cref="Protocol.IWireMessage"/> (bound in <c>hocon/serialization.hocon</c>)
/// with Hyperion, restricted to <see cref="WireTypeAllowlist"/>.
/// </summary>
/// <remarks>
/// Settings and why:
/// <list type="bullet">
/// <item>no object-reference tracking: the protocol records are trees, and tracking costs a
/// dictionary lookup per object on both sides;</item>
/// <item>no version tolerance: every node of a farm runs the same ActorFarm build (the
/// known-types table below requires it anyway), so field names need not travel;</item>
/// <item>the allowlist doubles as Hyperion's known-types table
/// (<see cref="WireTypeAllowlist.KnownTypes"/>), so a message's types are written as two-byte
/// indices instead of assembly-qualified names;</item>
/// <item><see cref="IActorRef"/> values travel as their serialized actor path
/// (<see cref="ActorRefSurrogate"/>) and are resolved by the receiving system's provider, so a
/// deserialized ref can be messaged.</item>
/// </list>
/// </remarks>
internal sealed class HyperionWireSerializer : Akka.Serialization.Serializer
{
    /// <summary>Also listed in <c>akka.actor.serialization-identifiers</c>; must never change.</summary>
    public const int SerializerId = 4171;

    // Buffers that grew past this are dropped rather than kept alive per thread for ever.
    private const int MaxRetainedBufferBytes = 1024 * 1024;

    [ThreadStatic] private static MemoryStream? _buffer;

    // Hyperion compiles a serializer for every known type up front (0.5 s of CPU, seconds while
    // the process is still jitting). A cluster member builds it at start, before it joins: built
    // on first use, it would hold a remoting thread (and every message behind it, heartbeats
    // included) just when a starting cluster is busiest. An embedded farm, whose messages never
    // leave the process, skips it (actorfarm.wire.build-at-start = off).
    private readonly Lazy<Hyperion.Serializer> _hyperion;

    public HyperionWireSerializer(ExtendedActorSystem system) : base(system)
    {
        var actorRefs = Surrogate.Create<IActorRef, ActorRefSurrogate>(
            ActorRefSurrogate.From,
            surrogate => surrogate.Resolve(system));
        _hyperion = new Lazy<Hyperion.Serializer>(() => new Hyperion.Serializer(new SerializerOptions(
            versionTolerance: false,
            preserveObjectReferences: false,
            surrogates: [actorRefs],
            serializerFactories: null,
            knownTypes: WireTypeAllowlist.KnownTypes,
            // Hyperion's ISerializable path runs constructors chosen by the payload; none of
            // our types needs it.
            ignoreISerializable: true,
            packageNameOverrides: null,
            // The filter is only consulted when unsafe types are disallowed.
            disallowUnsafeTypes: true,
            typeFilter: WireTypeAllowlist.Filter)), LazyThreadSafetyMode.ExecutionAndPublication);
        if (system.Settings.Config.GetBoolean("actorfarm.wire.build-at-start", true))
            _ = _hyperion.Value;
    }

    /// <summary>The constructor Akka prefers when it instantiates serializers; nothing is configurable.</summary>
    public HyperionWireSerializer(ExtendedActorSystem system, Config config) : this(system)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>The payload names its own root type (as a known-type index), so Akka need not.</summary>
    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        // Take this thread's buffer out of the slot while using it, so that a (hypothetical)
        // re-entrant call gets a fresh one instead of corrupting this one.
        var stream = _buffer ?? new MemoryStream(4096);
        _buffer = null;
        try
        {
            _hyperion.Value.Serialize(obj, stream);
            return stream.ToArray();
        }
        catch (EvilDeserializationException e)
        {
            throw new SerializationException(
                $"{obj.GetType().FullName} may not be sent over the wire: '{e.BadTypeString}' is not on the ActorFarm wire type allowlist.", e);
        }
        catch (Exception e)
        {
            throw new SerializationException($"Hyperion could not serialize {obj.GetType().FullName}: {e.Message}", e);
        }
        finally
        {
            if (stream.Capacity <= MaxRetainedBufferBytes)
            {
                stream.SetLength(0);
                _buffer = stream;
            }
        }
    }

    public override object FromBinary(byte[] bytes, Type? type)
    {
        var expected = type?.FullName ?? "wire message";
        object? result;
        try
        {
            // Wraps the array without copying it. A payload can be read twice: see
            // BoundedPayloadStream for why the first read clamps what may be lengths.
            var guarded = new BoundedPayloadStream(bytes, clampLengths: true);
            result = _hyperion.Value.Deserialize(guarded);
            if (guarded.Clamped)
                result = _hyperion.Value.Deserialize(new BoundedPayloadStream(bytes, clampLengths: false));
        }
        catch (Exception e)
        {
            // Every failure becomes a SerializationException: remoting's endpoint reader logs it
            // as a warning and drops the message, keeping the association (docs/design.md, "Wire
            // serialization"). Hyperion wraps a failure once per nesting level, each message
            // repeating the one inside, so only the innermost cause is kept: a payload nested
            // hundreds deep would otherwise log megabytes.
            var cause = e;
            while (cause.InnerException is not null && cause is not EvilDeserializationException)
                cause = cause.InnerException;
            if (cause is EvilDeserializationException evil)
                throw new SerializationException(
                    $"Refused to deserialize a {expected}: type '{evil.BadTypeString}' is not on the ActorFarm wire type allowlist.", evil);
            throw new SerializationException($"Hyperion could not deserialize a {expected}: {cause.GetType().Name}: {cause.Message}", cause);
        }

        // The root type was checked by name already; this also stops roots Hyperion builds
        // without a type name (System.Type values, null) and allowed types that are parts of
        // messages, never messages (a bare int, a sweep axis): only IWireMessage is bound here.
        if (result is not Protocol.IWireMessage || !WireTypeAllowlist.IsAllowed(result.GetType()))
            throw new SerializationException(
                $"Refused to deserialize a {expected}: the payload holds {result?.GetType().FullName ?? "null"}, which is not a wire message on the ActorFarm wire type allowlist.");
        if (type is not null && !type.IsInstanceOfType(result))
            throw new SerializationException($"Expected a {type.FullName} but the payload holds {result.GetType().FullName}.");
        return result;
    }
}

/// <summary>
/// What an <see cref="IActorRef"/> becomes on the wire: its full path including the sender's
/// address (<see cref="Akka.Serialization.Serialization.SerializedActorPath"/>), so the receiver
/// can resolve it to a working (possibly remote) ref. <see cref="ActorRefs.Nobody"/> travels as
/// the empty path, because its real path resolves to dead letters, not to Nobody. Implements
/// Akka's own <see cref="ISurrogate"/> contract; Hyperion applies it through the
/// <see cref="Surrogate"/> registered by <see cref="HyperionWireSerializer"/>.
/// </summary>
internal sealed record ActorRefSurrogate(string Path) : ISurrogate
{
    public static ActorRefSurrogate From(IActorRef actorRef) =>
        new(ReferenceEquals(actorRef, ActorRefs.Nobody) ? "" : Akka.Serialization.Serialization.SerializedActorPath(actorRef));

    public IActorRef Resolve(ExtendedActorSystem system) =>
        Path.Length == 0 ? ActorRefs.Nobody : system.Provider.ResolveActorRef(Path);

    public ISurrogated FromSurrogate(ActorSystem system) => Resolve((ExtendedActorSystem)system);
}
