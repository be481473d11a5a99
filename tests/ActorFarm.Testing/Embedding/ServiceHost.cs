using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorFarm.Testing.Embedding;

/// <summary>
/// A generic-host service built the way an Akka.NET developer builds one: Akka.Hosting, its own
/// remoting and clustering (a cluster of one on 127.0.0.1, joined to itself), its own settings,
/// optionally the farm in its actor system, and its own <see cref="JobRunnerActor"/>.
/// </summary>
public static class ServiceHost
{
    public const string SystemName = "svc";

    /// <param name="serviceConfig">The service's own HOCON (highest precedence, as a service's own file would be).</param>
    /// <param name="farm">The farm's options; null: no farm in this service (it may still use a client).</param>
    /// <param name="spec">The job the service's actor runs; null: no such actor.</param>
    /// <param name="services">More registrations (a client of a farm elsewhere).</param>
    public static IHost Build(int port, Config? serviceConfig = null, ActorFarmOptions? farm = null, JobSpec? spec = null,
        Action<IServiceCollection>? services = null) =>
        Host.CreateDefaultBuilder()
            .ConfigureServices(collection =>
            {
                services?.Invoke(collection);
                if (farm is not null)
                    collection.AddActorFarmClient();
                collection.AddAkka(SystemName, (builder, provider) =>
                {
                    builder
                        .AddHocon(TestFarm.TestConfig, HoconAddMode.Prepend)
                        .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = port })
                        .WithClustering(new ClusterOptions
                        {
                            Roles = [FarmOptions.CoordinatorRole, FarmOptions.WorkerRole, "svc"],
                            SeedNodes = [$"akka.tcp://{SystemName}@127.0.0.1:{port}"],
                        });
                    if (serviceConfig is not null)
                        builder.AddHocon(serviceConfig, HoconAddMode.Prepend);
                    if (farm is not null)
                        builder.WithActorFarm(farm);
                    if (spec is not null)
                        builder.WithActors((system, registry) =>
                            registry.Register<JobRunnerActor>(system.ActorOf(JobRunnerActor.Props(provider.GetRequiredService<IFarmClient>(), spec), "job-runner")));
                });
            })
            .Build();
}
