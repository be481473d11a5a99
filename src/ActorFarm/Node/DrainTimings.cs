using Akka.Configuration;

namespace ActorFarm.Node;

/// <summary>
/// How long leaving may take (<c>actorfarm.node.drain-grace</c> and <c>drain-settle</c>, owned by
/// farm.hocon), and the rules built on them: how long a drain, or a coordinator's wait for the
/// worker nodes' drains, may last, and the shutdown phase that holds both.
/// </summary>
internal sealed record DrainTimings(TimeSpan Grace, TimeSpan Settle)
{
    public static DrainTimings From(Config config) =>
        new(config.GetTimeSpan("actorfarm.node.drain-grace"), config.GetTimeSpan("actorfarm.node.drain-settle"));

    /// <summary>The longest a drain, or a coordinator's wait for the drains, takes before it is given up.</summary>
    public TimeSpan Longest => Grace + Settle;

    /// <summary>
    /// The timeout of the shutdown phase <c>service-requests-done</c> that holds those waits in a
    /// standalone farm: one settle more, so that they always end first, with their own word.
    /// </summary>
    public TimeSpan Phase => Longest + Settle;
}
