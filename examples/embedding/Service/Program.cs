using ActorFarm.Embedding;
using ActorFarm.Examples.Handlers;
using ActorFarm.Examples.Service;
using ActorFarm.Hosting;
using ActorFarm.Node.Execution;
using ActorFarm.Security;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A generic-host service on Akka.Hosting that runs a Monte Carlo study on the farm. Settings come
// from the usual places (appsettings.json, environment, command line: --Farm:Mode=client ...).
var builder = Host.CreateApplicationBuilder(args);
// Logs go to stderr; stdout carries only the study's summary line.
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
var study = builder.Configuration.GetSection("Study").Get<StudySettings>() ?? new StudySettings();
var farm = builder.Configuration.GetSection("Farm").Get<FarmSettings>() ?? new FarmSettings();

if (farm.IsEmbedded)
    builder.Services.AddActorFarmClient(); // the farm in this actor system, through Akka.Hosting's registry
else
    builder.Services.AddActorFarmClient(new FarmConnectionOptions
    {
        Contacts = farm.Contacts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Access = new FarmAccess.FromFile(farm.AccessFile ?? FarmAccess.DefaultPath(".actorfarm")),
    });

builder.Services.AddAkka("pi-service", (akka, provider) =>
{
    akka.AddHocon(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "service.hocon"))), HoconAddMode.Prepend);
    akka.ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    });
    if (farm.IsEmbedded)
    {
        // The farm runs commands for whoever reaches this actor system: its remoting is mutual TLS
        // with the farm's access file (created on first start, 0600), as a standalone farm's is.
        akka.WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = farm.Port })
            .WithFarmAccess(new FarmAccess.FromFile(farm.AccessFile ?? FarmAccess.DefaultPath(farm.StateDirectory), CreateIfMissing: true))
            .WithClustering(new ClusterOptions { Roles = [FarmOptions.CoordinatorRole, FarmOptions.WorkerRole, "pi-service"] })
            .WithActorFarm(new ActorFarmOptions
            {
                StateDirectory = farm.StateDirectory,
                Slots = farm.Slots == 0 ? null : farm.Slots,
                NodeName = "pi-service",
                Handlers = TaskHandlerRegistry.CreateDefault().Register(new MonteCarloPiHandler()),
            })
            // A cluster of one: the service joins itself (its port may be chosen at start).
            .WithActors((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
    }
    akka.WithActors((system, registry) =>
        registry.Register<PiStudyActor>(system.ActorOf(PiStudyActor.Props(
            provider.GetRequiredService<IFarmClient>(), PiStudy.Job(study), provider.GetRequiredService<IHostApplicationLifetime>()), "pi-study")));
});

await builder.Build().RunAsync();
return Environment.ExitCode;
