namespace ActorFarm.Node.Execution;

/// <summary>
/// <c>handler = noop</c>: succeeds at once. Used to measure the farm's own overhead, so it
/// completes synchronously and allocates nothing.
/// </summary>
internal sealed class NoopHandler : ITaskHandler, IInlineTaskHandler
{
    public const string HandlerName = "noop";

    public static readonly NoopHandler Instance = new();

    public string Name => HandlerName;

    public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken) =>
        new(HandlerResult.Success);
}
