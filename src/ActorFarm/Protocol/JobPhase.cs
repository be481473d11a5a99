namespace ActorFarm.Protocol;

/// <summary>Where a job is in its life (<see cref="JobStatusReport.Phase"/>).</summary>
public enum JobPhase
{
    /// <summary>No job with this id has been accepted.</summary>
    Unknown,

    /// <summary>Accepted; tasks are pending, leased or running.</summary>
    Running,

    /// <summary>Every task reached a final result (some may have failed).</summary>
    Finished,

    /// <summary>Cancelled by a user; unfinished tasks will not run.</summary>
    Cancelled,
}
