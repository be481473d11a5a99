using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using ActorFarm.Security;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskResultRow = ActorFarm.Results.TaskResultRow;

using ActorFarm.Testing.Embedding;

namespace ActorFarm.IntegrationTests.Embedding;

/// <summary>The same service code against a farm on another cluster (<c>AddActorFarmClient</c>, ClusterClient).</summary>
public class AddActorFarmClientTests
{
    [Fact]
    public async Task A_service_with_a_farm_client_runs_its_job_on_a_standalone_farm_through_the_access_file()
    {
        using var state = new TempDirectory("actorfarm-farm-state");
        using var output = new TempDirectory("actorfarm-client-out");
        var farmPort = FreePort.Next();
        var accessFile = FarmAccess.DefaultPath(state.Path);
        // A standalone farm that clients can reach: a cluster of one seeded by itself, secured by
        // the access file it creates.
        await using var farm = await FarmHost.StartAsync(new FarmOptions
        {
            StateDirectory = state.Path,
            Port = farmPort,
            Seeds = [$"127.0.0.1:{farmPort}"],
            Slots = 2,
            NodeName = "farm-node",
            Config = TestFarm.TestConfig,
        });
        var spec = Specs.Handler("from-a-client", "noop", 200, output.Path);
        using var host = ServiceHost.Build(FreePort.Next(), spec: spec, services: services => services.AddActorFarmClient(new FarmConnectionOptions
        {
            Contacts = [$"127.0.0.1:{farmPort}"],
            Access = new FarmAccess.FromFile(accessFile),
            Config = TestFarm.TestConfig,
        }));

        await host.StartAsync();
        try
        {
            var runner = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<JobRunnerActor>();
            var status = await runner.Ask<JobStatusReport>(new JobRunnerActor.Run(), TimeSpan.FromMinutes(2));

            Assert.Equal(JobPhase.Finished, status.Phase);
            Assert.Equal(200, status.Succeeded);
            // The job ran on the farm, not in the service: its node wrote the results.
            var client = host.Services.GetRequiredService<IFarmClient>();
            var exported = await client.ExportResultsAsync(status.JobId, path: Path.Combine(output.Path, "exported.jsonl"));
            var rows = ResultsFile.Read(exported);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), rows.Select(r => r.Index()).Order());
            Assert.All(rows, r => Assert.Equal("farm-node", r.GetProperty("node").GetString()));
            // The same results as data, paged through ClusterClient: one typed row per task.
            var typed = new List<TaskResultRow>();
            await foreach (var row in client.ReadResultsAsync(status.JobId))
                typed.Add(row);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), typed.Select(r => r.Index).Order());
            Assert.All(typed, r => Assert.Equal((TaskOutcome.Succeeded, "farm-node", r.Index.ToString(), null),
                (r.Outcome, r.Node, r.Parameters["i"], r.Error)));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
