using ActorFarm.Node.Execution;

namespace ActorFarm.Testing;

/// <summary>
/// A host's handler returning what <see cref="KindOf"/> says for each task: a JSON payload with
/// a message, a bytes payload, a failure with a message, an exception, or a payload over the
/// default limit (70,000 bytes).
/// </summary>
public sealed class PayloadHandler : ITaskHandler
{
    public const string HandlerName = "payloads";

    public const int OversizedBytes = 70_000;

    public enum Kind { Json, Bytes, FailedWithMessage, Throws, Oversized }

    public static Kind KindOf(long index) => (Kind)(index % 5);

    /// <summary>The JSON payload of task <paramref name="index"/>.</summary>
    public sealed record Report(long Index, long Square, string[] Tags);

    public static Report ReportOf(long index) => new(index, index * index, ["a", $"t{index}"]);

    public static byte[] BytesOf(long index) => [(byte)index, 0, 255, (byte)',', (byte)'"'];

    public string Name => HandlerName;

    public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        var i = context.Index;
        return new(KindOf(i) switch
        {
            Kind.Json => new HandlerResult(0, $"report {i} ready", TaskPayload.Json(ReportOf(i))),
            Kind.Bytes => new HandlerResult(0, Payload: TaskPayload.Bytes(BytesOf(i))),
            Kind.FailedWithMessage => new HandlerResult(3, $"bad input {i}"),
            Kind.Throws => throw new InvalidOperationException($"boom {i}"),
            _ => new HandlerResult(0, "too much", TaskPayload.Bytes(new byte[OversizedBytes])),
        });
    }
}
