namespace ActorFarm.Examples.Handlers;

/// <summary>
/// What <see cref="MonteCarloPiHandler"/> returns as its task's payload (JSON): the counts, so that
/// estimates of many tasks pool exactly (4 × Σ inside ÷ Σ samples), and this task's estimate.
/// </summary>
/// <param name="Seed">The generator's seed.</param>
/// <param name="Samples">Points drawn.</param>
/// <param name="Inside">Points inside the quarter circle.</param>
/// <param name="Pi">This task's estimate, 4 × <paramref name="Inside"/> ÷ <paramref name="Samples"/>.</param>
public sealed record PiEstimate(int Seed, long Samples, long Inside, double Pi);
