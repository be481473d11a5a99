using System.Text;
using Akka.Configuration;

namespace ActorFarm.Protocol;

/// <summary>
/// How big a message may be on the wire. Remoting drops a message larger than
/// <c>akka.remote.dot-netty.tcp.maximum-frame-size</c> with nothing but a log line, so every
/// message whose size grows with the work it carries (result batches, lease batches, re-attach
/// lists, results pages) is cut to fit <see cref="MessageBudget"/>, a single task's text is cut
/// to <see cref="MaxResultTextBytes"/> and its payload refused beyond <see cref="PayloadLimit"/>
/// before they can make one result too big to send.
/// </summary>
/// <remarks>
/// Sizes are estimated, not measured (serializing twice would cost the hot path): each estimate
/// is an upper bound of what the Hyperion wire serializer writes (a test checks it), and the
/// budget is half the frame, which leaves room for the envelope (sharding, ClusterClient) and
/// for anything the estimate misses.
/// </remarks>
internal sealed record WireLimits(long FrameBytes, long MaxResultTextBytes)
{
    /// <summary>Akka's own default frame size, for a configuration that sets none.</summary>
    public const long DefaultFrameBytes = 128_000;

    /// <summary>The largest text kept per task result unless configured (<c>actorfarm.wire.max-result-text</c>).</summary>
    public const long DefaultMaxResultTextBytes = 64 * 1024;

    /// <summary>Upper bound of one lease on the wire (index, attempt and Hyperion's framing).</summary>
    public const int LeaseBytes = 32;

    /// <summary>Upper bound of a result's or record's fixed fields (numbers, times, enum, flags, framing), its texts aside.</summary>
    public const int ResultFixedBytes = 128;

    public static readonly WireLimits Default = new(DefaultFrameBytes, DefaultMaxResultTextBytes);

    /// <summary>What one message may hold: half the frame.</summary>
    public long MessageBudget => FrameBytes / 2;

    /// <summary>
    /// Leases one message may carry (a task batch, a re-attach, a return): half the budget, so a
    /// task batch that also carries its job's spec still fits.
    /// </summary>
    public int MaxLeasesPerMessage => (int)Math.Clamp(MessageBudget / 2 / LeaseBytes, 1, int.MaxValue);

    /// <summary>What the records of one results page may take: half the budget, the rest is for the spec the first page carries.</summary>
    public long RecordsBudget => MessageBudget / 2;

    /// <summary>
    /// The text a single result may keep: the configured bound, and never so much that one result
    /// alone would not fit a message.
    /// </summary>
    public long ResultTextLimit => Math.Max(256, Math.Min(MaxResultTextBytes, MessageBudget - 4 * ResultFixedBytes));

    /// <summary>Reads the frame size of this process's remoting and <c>actorfarm.wire.max-result-text</c>.</summary>
    public static WireLimits From(Config config)
    {
        var frame = config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null) ?? DefaultFrameBytes;
        var text = config.GetByteSize("actorfarm.wire.max-result-text", null) ?? DefaultMaxResultTextBytes;
        return new WireLimits(frame, text);
    }

    /// <summary>
    /// The largest payload a result may carry: the configured bound
    /// (<c>actorfarm.node.max-payload-bytes</c>), and never more than a quarter of the frame, so
    /// that a result's payload and its texts (<see cref="ResultTextLimit"/>) together still fit one frame.
    /// </summary>
    public long PayloadLimit(long configured) => Math.Max(0, Math.Min(configured, MessageBudget / 2));

    public static long EstimateBytes(TaskResult result) =>
        ResultFixedBytes + TextBytes(result.Error) + TextBytes(result.Message) + PayloadBytes(result.Payload);

    public static long EstimateBytes(TaskRecord record) =>
        ResultFixedBytes + TextBytes(record.Node) + TextBytes(record.Error) + TextBytes(record.Message) + PayloadBytes(record.Payload);

    /// <summary>A payload's bytes plus its length prefix.</summary>
    public static long PayloadBytes(byte[]? payload) => payload is null ? 1 : 5 + payload.LongLength;

    /// <summary>UTF-8 bytes of a string (what Hyperion writes) plus its length prefix.</summary>
    public static long TextBytes(string? text) => text is null ? 1 : 5 + Encoding.UTF8.GetByteCount(text);
}
