using System.Globalization;
using ActorFarm.Node.Execution;
using MathNet.Numerics.Random;

namespace ActorFarm.Examples.Handlers;

/// <summary>
/// <c>handler = monte-carlo-pi</c>: estimates pi from <c>samples</c> random points of the unit
/// square (default 100000) drawn from MathNet's <see cref="Mcg31m1"/> generator seeded with
/// <c>seed</c> (default: the task's index), so each task of a sweep over seeds is reproducible.
/// Returns exit code 0, a <see cref="PiEstimate"/> payload (JSON) and a message such as
/// <c>pi ≈ 3.1412 from 100000 samples</c>; a bad
/// argument is exit code 2 with a message.
/// </summary>
/// <remarks>
/// CPU work, done right here: the node calls a loaded handler on the .NET thread pool, never on an
/// actor's thread, so nothing is offloaded. The task holds one worker slot and one pool thread
/// while it runs, and checks its cancellation token between chunks of samples, so a timeout or a
/// cancelled job stops it within one chunk. One instance serves every task of the node at once:
/// it keeps no state between calls (the generator is local to a call).
/// </remarks>
public sealed class MonteCarloPiHandler : ITaskHandler
{
    public const string HandlerName = "monte-carlo-pi";
    public const string SamplesArg = "samples";
    public const string SeedArg = "seed";
    public const int DefaultSamples = 100_000;
    public const int UsageExitCode = 2;

    // Big enough that the token check costs nothing, small enough to stop within a millisecond or so.
    private const int ChunkSize = 50_000;

    public string Name => HandlerName;

    public ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var samples = DefaultSamples;
        if (context.Args.TryGetValue(SamplesArg, out var samplesText)
            && (!int.TryParse(samplesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out samples) || samples < 1))
            return Usage($"{HandlerName}: '{SamplesArg}' must be a positive integer, got '{samplesText}'");

        int seed;
        if (context.Args.TryGetValue(SeedArg, out var seedText))
        {
            if (!int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
                return Usage($"{HandlerName}: '{SeedArg}' must be an integer, got '{seedText}'");
        }
        else
        {
            seed = unchecked((int)context.Index);
        }

        var random = new Mcg31m1(seed, threadSafe: false);
        long inside = 0;
        for (var done = 0; done < samples; done += ChunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = Math.Min(samples, done + ChunkSize);
            for (var i = done; i < end; i++)
            {
                var x = random.NextDouble();
                var y = random.NextDouble();
                if (x * x + y * y <= 1.0) inside++;
            }
        }
        var pi = 4.0 * inside / samples;
        // The counts travel with the result (JSON), so a caller pools many tasks exactly; the
        // message is for people reading results.jsonl.
        return new(new HandlerResult(0, string.Create(CultureInfo.InvariantCulture, $"pi ≈ {pi:F4} from {samples} samples"),
            TaskPayload.Json(new PiEstimate(seed, samples, inside, pi))));
    }

    private static ValueTask<HandlerResult> Usage(string message) => new(new HandlerResult(UsageExitCode, message));
}
