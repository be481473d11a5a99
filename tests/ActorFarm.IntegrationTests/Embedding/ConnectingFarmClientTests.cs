using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.IntegrationTests.Embedding;

/// <summary>
/// A client that outlives its farm (a service's <c>AddActorFarmClient</c>, <c>actorfarm
/// dashboard</c>): once it has found the farm gone, the next call connects anew, so a restarted
/// farm is reached again without restarting the client.
/// </summary>
public class ConnectingFarmClientTests
{
    [Fact]
    public async Task A_farm_restarted_on_the_same_address_is_reached_again_by_the_next_call()
    {
        using var state = new TempDirectory("actorfarm-farm-state");
        var port = FreePort.Next();
        FarmOptions Farm() => new()
        {
            StateDirectory = state.Path,
            Port = port,
            Seeds = [$"127.0.0.1:{port}"],
            Slots = 1,
            NodeName = "restarted",
            Config = TestFarm.TestConfig,
        };
        var farm = await FarmHost.StartAsync(Farm());
        await using var client = new ConnectingFarmClient(new FarmConnectionOptions
        {
            Contacts = [$"127.0.0.1:{port}"],
            Access = new FarmAccess.FromFile(FarmAccess.DefaultPath(state.Path)),
            // Gone after 3 s without an answer, and a connection tried for 5 s, so the test sees both soon.
            Config = ConfigurationFactory.ParseString($"{FarmClient.FarmLostTimeoutKey} = 3s\n{FarmClient.ConnectTimeoutKey} = 5s")
                .WithFallback(TestFarm.TestConfig),
        });
        try
        {
            // A farm just started on a busy machine may take longer than those 3 s to answer its first
            // client: the next call connects anew, so the first answer is asked for until it comes.
            Assert.Single((await CallUntilAsync(client, _ => false, TimeSpan.FromSeconds(60)))!.Nodes);
        }
        finally
        {
            // Stopped here whatever happened: a farm left running would load the rest of the suite.
            await farm.DisposeAsync();
        }
        await CallUntilAsync(client, e => e is FarmUnavailableException, TimeSpan.FromSeconds(60));

        await using var restarted = await FarmHost.StartAsync(Farm());
        var overview = await CallUntilAsync(client, _ => false, TimeSpan.FromSeconds(90));
        Assert.Equal("restarted", Assert.Single(overview!.Nodes).Name);
    }

    /// <summary>
    /// Asks for the overview until it answers (returned), or until it fails as <paramref name="awaited"/> says (null).
    /// </summary>
    private static async Task<FarmOverview?> CallUntilAsync(IFarmClient client, Func<Exception, bool> awaited, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var overview = await client.OverviewAsync(TimeSpan.FromSeconds(2));
                if (overview.Nodes.Length > 0) return overview;
            }
            catch (Exception e) when (e is FarmUnavailableException or TimeoutException or Akka.Actor.AskTimeoutException or InvalidOperationException)
            {
                if (awaited(e)) return null;
                last = e;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"not within {limit}; last: {last}");
    }
}
