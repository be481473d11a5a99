using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ActorFarm.Serialization;

/// <summary>
/// The read-only stream <see cref="HyperionWireSerializer"/> hands Hyperion a payload through,
/// so that a malformed payload from a peer can neither exhaust memory nor the stack.
/// </summary>
/// <remarks>
/// <para><b>Length prefixes.</b> Hyperion 0.12.2 trusts them: it allocates what a string, type
/// name, array or byte array claims before reading a byte of it, so four bytes claiming 2 GB
/// allocate 2 GB. Every such length is an Int32 read on its own (four bytes), but so is every
/// int, uint and float field, and the stream cannot tell which is which. A well-formed length
/// never exceeds the bytes that follow it (every string byte and array element takes at least
/// one), a field value may. So with <see cref="ClampLengths"/> on, any four-byte read whose value
/// exceeds what follows is handed over as <i>remaining + 1</i> and <see cref="Clamped"/> is set:
/// at a length, that still makes the read fail (one byte short) but allocates at most the
/// payload's size (times the element size for arrays); at a field, it changes a value that
/// decides nothing about what is read next, so the read succeeds. The serializer then reads a
/// payload that succeeded with clamps a second time without them: its reads are the same, and
/// none of its lengths was out of bounds.</para>
/// <para><b>Depth.</b> Any position that holds an object may name any allowed type, so a payload
/// can nest records (a sweep inside a sweep axis array inside a sweep ...) as deep as its bytes
/// allow, and Hyperion recurses once per level: a stack overflow would kill the process, which no
/// catch can stop. Each level reads bytes, so every read checks first that enough stack is left
/// (<see cref="RuntimeHelpers.EnsureSufficientExecutionStack"/>), which throws an ordinary
/// exception instead.</para>
/// </remarks>
internal sealed class BoundedPayloadStream(byte[] payload, bool clampLengths) : Stream
{
    /// <summary>
    /// How much stack a read may use below the stream's creation. The farm's deepest messages
    /// (a job spec's sweep axes' value lists) nest under ten levels and use about 5 KB; a payload
    /// that goes deeper is refused here. The bound is this low because the refusal itself costs
    /// stack: Hyperion catches and rethrows at every level, and a catch handler runs on top of
    /// the frames it is unwinding, so thousands of levels overflow the stack while failing.
    /// </summary>
    public const int MaxStackBytes = 32 * 1024;

    private readonly nint _stackBase = StackAddress();
    private int _position;

    /// <summary>Whether four-byte values larger than the rest of the payload are clamped.</summary>
    public bool ClampLengths { get; } = clampLengths;

    /// <summary>Whether some four-byte value was clamped (only with <see cref="ClampLengths"/>).</summary>
    public bool Clamped { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => payload.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int ReadByte()
    {
        EnsureStack();
        return _position < payload.Length ? payload[_position++] : -1;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        EnsureStack();
        var count = Math.Min(buffer.Length, payload.Length - _position);
        payload.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        if (ClampLengths && count == 4)
        {
            var remaining = payload.Length - _position;
            if (BinaryPrimitives.ReadInt32LittleEndian(buffer) > remaining)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer, remaining + 1);
                Clamped = true;
            }
        }
        return count;
    }

    private void EnsureStack()
    {
        var used = _stackBase - StackAddress();
        if (used > MaxStackBytes)
            throw new InsufficientExecutionStackException($"The payload nests deeper than {MaxStackBytes / 1024} KB of stack allow.");
        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    /// <summary>The address of a local of this call: where the stack is (it grows down).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint StackAddress()
    {
        byte local = 0;
        return Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref local);
    }

    public override void Flush() => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
