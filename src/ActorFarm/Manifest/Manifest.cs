namespace ActorFarm.Manifest;

/// <summary>A loaded and validated manifest: its absolute path and its jobs in file order.</summary>
public sealed record Manifest(string SourceFile, JobSpec[] Jobs);
