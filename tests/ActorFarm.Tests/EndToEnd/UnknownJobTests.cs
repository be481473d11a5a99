using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// Every <see cref="IFarmClient"/> call about one job throws <see cref="UnknownJobException"/>,
/// naming the id, for an id no job has, on a running embedded farm: the CLI's one line and exit 2
/// rest on it (<c>Cluster/ConsoleOutputClusterTests</c>).
/// </summary>
public sealed class UnknownJobTests
{
    private const string Nobody = "nobody-12345678";

    [Fact]
    public async Task Every_call_about_one_job_throws_UnknownJobException_for_an_id_no_job_has()
    {
        await using var farm = await TestFarm.StartAsync();
        IFarmClient client = farm.Client;

        var thrown = new List<UnknownJobException>
        {
            await Assert.ThrowsAsync<UnknownJobException>(() => client.StatusAsync(Nobody)),
            await Assert.ThrowsAsync<UnknownJobException>(() => client.CancelAsync(Nobody)),
            await Assert.ThrowsAsync<UnknownJobException>(() => client.RerunAsync(Nobody)),
            await Assert.ThrowsAsync<UnknownJobException>(() => client.ExportResultsAsync(Nobody)),
            await Assert.ThrowsAsync<UnknownJobException>(() => client.ExportResultsAsync(Nobody, ResultsFormat.Csv, history: true)),
            await Assert.ThrowsAsync<UnknownJobException>(async () =>
            {
                await foreach (var _ in client.WatchAsync(Nobody)) { }
            }),
            await Assert.ThrowsAsync<UnknownJobException>(async () =>
            {
                await foreach (var _ in client.ReadResultsAsync(Nobody)) { }
            }),
        };
        Assert.All(thrown, e =>
        {
            Assert.Equal(Nobody, e.JobId);
            Assert.Equal($"no job '{Nobody}' is known to this farm (`actorfarm status` lists its jobs)", e.Message);
        });

        // The farm carries on, and a known job is still answered.
        var done = await farm.RunAsync(Specs.Handler("after", "noop", 3, farm.StateDirectory));
        Assert.Equal(JobPhase.Finished, (await client.StatusAsync(done.JobId)).Phase);
    }
}
