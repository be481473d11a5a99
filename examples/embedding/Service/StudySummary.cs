namespace ActorFarm.Examples.Service;

/// <summary>What the service prints when its study ends: one JSON line on stdout.</summary>
/// <param name="JobId">The farm's id of the job.</param>
/// <param name="Tasks">Result rows read back (one per task).</param>
/// <param name="Succeeded">Rows whose task succeeded.</param>
/// <param name="Samples">Points drawn over every successful estimate.</param>
/// <param name="Pi">The pooled estimate: 4 × points inside ÷ points drawn.</param>
/// <param name="Nodes">The nodes that ran the tasks.</param>
public sealed record StudySummary(string JobId, int Tasks, int Succeeded, long Samples, double Pi, string[] Nodes);
