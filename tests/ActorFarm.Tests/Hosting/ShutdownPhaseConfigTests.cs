using ActorFarm.Hosting;
using ActorFarm.Node;
using Akka.Configuration;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// A standalone farm's shutdown phase <c>service-requests-done</c>, which holds its drains, follows
/// the drain timings of farm.hocon (<see cref="DrainTimings"/>): a longer grace needs no second setting.
/// </summary>
public class ShutdownPhaseConfigTests
{
    private const string Phase = "akka.coordinated-shutdown.phases.service-requests-done.timeout";

    [Fact]
    public void The_phase_lasts_the_drain_grace_plus_twice_the_settle()
    {
        var node = FarmConfig.Build(new FarmOptions { StateDirectory = "/nonexistent", Seeds = ["127.0.0.1:4053"] });
        var timings = DrainTimings.From(node);
        Assert.Equal(timings.Grace + timings.Settle + timings.Settle, node.GetTimeSpan(Phase));

        var longer = FarmConfig.Build(new FarmOptions
        {
            StateDirectory = "/nonexistent",
            Seeds = ["127.0.0.1:4053"],
            Config = ConfigurationFactory.ParseString("actorfarm.node.drain-grace = 60s"),
        });
        Assert.Equal(TimeSpan.FromSeconds(60) + timings.Settle + timings.Settle, longer.GetTimeSpan(Phase));
    }

    [Fact]
    public void A_phase_timeout_the_caller_sets_wins()
    {
        var config = FarmConfig.Build(new FarmOptions
        {
            StateDirectory = "/nonexistent",
            Config = ConfigurationFactory.ParseString($"{Phase} = 42s"),
        });
        Assert.Equal(TimeSpan.FromSeconds(42), config.GetTimeSpan(Phase));
    }
}
