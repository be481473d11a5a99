using ActorFarm.Hosting;
using ActorFarm.Manifest;
using Akka.Actor;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// A client refuses, with a sentence naming the job, a spec too big for one remote message,
/// instead of sending it for remoting to drop without a word.
/// </summary>
public sealed class SpecSizeTests
{
    [Fact]
    public async Task A_spec_too_big_for_one_remote_message_is_refused_before_it_is_sent()
    {
        var system = ActorSystem.Create("actorfarm-client", FarmConfig.BuildClient(new FarmConnectionOptions { Contacts = ["127.0.0.1:1"] }));
        await using var client = new FarmClient(new NeverAnswers(), system);
        using var output = new TempDirectory();
        var small = Specs.Handler("small", "noop", 10, output.Path);
        // 300,000 values of 10 characters: about 3 MB, over half the 4 MiB frame.
        var huge = small with
        {
            Name = "huge",
            Sweep = new SweepSpec { Axes = [new ListAxis { Name = "v", Values = Enumerable.Range(0, 300_000).Select(i => $"value{i:D5}").ToArray() }] },
        };

        client.EnsureSpecFits(small);
        var error = Assert.Throws<JobSpecTooLargeException>(() => client.EnsureSpecFits(huge));

        Assert.StartsWith("job 'huge': its description takes", error.Message);
        Assert.Contains("maximum-frame-size", error.Message);
        await Assert.ThrowsAsync<JobSpecTooLargeException>(() => client.SubmitAsync(huge));
    }

    private sealed class NeverAnswers : IFarmEndpoint
    {
        public TimeSpan? FarmLostAfter => null;

        public string Description => "a farm that is never asked";

        public Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("nothing may be sent in this test");
    }
}
