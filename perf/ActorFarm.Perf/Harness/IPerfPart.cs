namespace ActorFarm.Perf.Harness;

/// <summary>One benchmark of the harness (no-op throughput, process tasks, weak scaling, ...).</summary>
public interface IPerfPart
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    Task RunAsync(PerfRun run, CancellationToken cancellationToken);
}
