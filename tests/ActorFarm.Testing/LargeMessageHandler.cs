using ActorFarm.Node.Execution;

namespace ActorFarm.Testing;

/// <summary>
/// A host's handler whose tasks report long texts, as a handler returning a stack trace or a
/// report would: <c>handler-args { bytes = N }</c> gives every task a message of N characters
/// (ASCII, so N UTF-8 bytes), exit code <c>code</c> (default 0).
/// </summary>
public sealed class LargeMessageHandler : ITaskHandler
{
    public const string HandlerName = "large-message";

    public string Name => HandlerName;

    public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        var bytes = int.Parse(context.Args["bytes"]);
        var code = context.Args.TryGetValue("code", out var c) ? int.Parse(c) : 0;
        var head = $"task {context.Index} on {context.NodeName}: ";
        var message = head + new string((char)('a' + context.Index % 26), Math.Max(0, bytes - head.Length));
        return new ValueTask<HandlerResult>(new HandlerResult(code, message));
    }
}
