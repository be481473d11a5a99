namespace ActorFarm.Manifest;

/// <summary>
/// Where a validation rule reports a problem: the manifest reader (which adds the file and the
/// line) or <see cref="JobSpecValidator"/> (a spec built in code has neither). The rules in
/// <see cref="JobRules"/> and <see cref="SweepRules"/> report through it, so one rule gives the
/// same message at the same key path whichever way the job was written.
/// </summary>
internal interface IErrorSink
{
    void Error(KeyPath path, string message);
}
