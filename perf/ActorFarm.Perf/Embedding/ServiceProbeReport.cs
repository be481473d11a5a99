namespace ActorFarm.Perf.Embedding;

/// <summary>
/// What one <see cref="ServiceProbe"/> run saw, as absolute wall-clock instants (UTC) read by the
/// probe on the machine's one clock, so the harness can subtract its own launch instant. The farm's
/// instants and jobs are null in a service without the farm.
/// </summary>
public sealed record ServiceProbeReport
{
    public bool WithFarm { get; init; }

    /// <summary>Whether the service's remoting ran over TLS (<c>akka.remote.dot-netty.tcp.enable-ssl</c>).</summary>
    public bool Tls { get; init; }

    /// <summary>The runtime reached Main (the .NET runtime's start and the probe's JIT before it).</summary>
    public DateTimeOffset MainEnteredAt { get; init; }

    /// <summary><c>IHost.StartAsync</c> returned: every Akka.Hosting start-up step (the farm's included) has run.</summary>
    public DateTimeOffset HostStartedAt { get; init; }

    /// <summary>The member's own <c>RegisterOnMemberUp</c> callback ran: the cluster of one is Up.</summary>
    public DateTimeOffset MemberUpAt { get; init; }

    /// <summary>VmRSS read once the host had started and the member was Up (whichever came later).</summary>
    public long RssAtUpBytes { get; init; }

    /// <summary><c>GC.GetTotalMemory(false)</c> at the same point: managed bytes allocated and not yet collected (no collection forced).</summary>
    public long ManagedHeapAtUpBytes { get; init; }

    /// <summary>CPU time (user + system, every thread) the process had used at the same point.</summary>
    public double CpuSecondsAtUp { get; init; }

    /// <summary>The first <c>IFarmClient.ListAsync</c> answered: the farm's gateway, directory and journal serve clients.</summary>
    public DateTimeOffset? FarmReadyAt { get; init; }

    /// <summary>The small job, built in code: submitted, accepted (journaled), finished (every result journaled, results file written).</summary>
    public JobTimes? SmallJob { get; init; }

    /// <summary>The throughput job, submitted once the small one had finished.</summary>
    public JobTimes? ThroughputJob { get; init; }

    /// <summary>VmHWM just before the stop: the process's peak resident memory.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>Just before <c>IHost.StopAsync</c>.</summary>
    public DateTimeOffset StopRequestedAt { get; init; }

    /// <summary><c>IHost.StopAsync</c> returned: coordinated shutdown (with the farm, its drain) has run.</summary>
    public DateTimeOffset StoppedAt { get; init; }

    /// <summary>Whether the actor system had terminated when <c>StopAsync</c> returned.</summary>
    public bool SystemTerminated { get; init; }
}

/// <summary>One job's instants in the probe and its task count; the probe fails unless every task succeeded.</summary>
public sealed record JobTimes(long Tasks, DateTimeOffset SubmittedAt, DateTimeOffset AcceptedAt, DateTimeOffset FinishedAt);
