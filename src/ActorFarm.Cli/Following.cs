using ActorFarm.Cli.Output;

namespace ActorFarm.Cli;

/// <summary>
/// How a command follows jobs to their end (<see cref="JobFollower"/>): its <c>--progress</c>, and
/// its <c>--csv</c> (results.csv besides results.jsonl; <c>status --wait</c> has none).
/// </summary>
internal sealed record Following(ProgressMode Progress, bool Csv);
