using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorFarm.Embedding;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Perf.Harness;
using ActorFarm.Protocol;
using ActorFarm.Security;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorFarm.Perf.Embedding;

/// <summary>
/// The child side of the embedding cost part (<c>ActorFarm.Perf.dll embed-service --work-dir D
/// --report F [--farm] [--insecure] [--job-tasks N] [--throughput-tasks N]</c>): a generic-host
/// service as an Akka.NET developer writes one — Akka.Hosting, remoting on 127.0.0.1 (port 0),
/// clustering with the farm's roles, a cluster of one joined to itself, Akka's log going to the
/// Microsoft logger (warnings only, on stderr) — with the farm in its actor system
/// (<c>WithActorFarm</c> + <c>AddActorFarmClient()</c>) or without it. Both variants secure their
/// remoting alike (mutual TLS with one access file's pinned certificate, or both plain TCP with
/// <c>--insecure</c>), so the difference is the farm's. It starts the host, waits for the member to
/// be Up, with the farm runs a small job and a throughput job through <see cref="IFarmClient"/>,
/// then stops the host and writes a <see cref="ServiceProbeReport"/> (one JSON line).
/// </summary>
public static class ServiceProbe
{
    public const string Mode = "embed-service";

    public const string SystemName = "svc";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(string[] args, DateTimeOffset mainEnteredAt)
    {
        string? workDirectory = null, reportPath = null;
        var withFarm = false;
        var insecure = false;
        long jobTasks = 1_000, throughputTasks = 100_000;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{Mode}: {args[i]} needs a value");
            switch (args[i])
            {
                case "--work-dir": workDirectory = Value(); break;
                case "--report": reportPath = Value(); break;
                case "--farm": withFarm = true; break;
                case "--insecure": insecure = true; break;
                case "--job-tasks": jobTasks = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--throughput-tasks": throughputTasks = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"{Mode}: unknown option {args[i]}");
            }
        }
        if (workDirectory is null || reportPath is null) throw new ArgumentException($"{Mode} needs --work-dir and --report");

        var memberUp = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Build(workDirectory, withFarm, insecure, memberUp);
        await host.StartAsync();
        var hostStartedAt = DateTimeOffset.UtcNow;
        var memberUpAt = await memberUp.Task.WaitAsync(AskTimeout);
        // Read once both have happened: the service is up either way, and nothing of a job has run yet.
        var rssAtUp = ProcessMemory.CurrentRssBytes(Environment.ProcessId) ?? 0;
        var heapAtUp = GC.GetTotalMemory(forceFullCollection: false);
        var cpuAtUp = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var system = host.Services.GetRequiredService<ActorSystem>();
        var tls = ClusterAddress.UsesTls(system.Settings.Config);

        DateTimeOffset? farmReadyAt = null;
        JobTimes? smallJob = null, throughputJob = null;
        if (withFarm)
        {
            var farm = host.Services.GetRequiredService<IFarmClient>();
            await farm.ListAsync(AskTimeout);
            farmReadyAt = DateTimeOffset.UtcNow;
            smallJob = await RunJobAsync(farm, NoopJob("embed-small", jobTasks, workDirectory));
            throughputJob = await RunJobAsync(farm, NoopJob("embed-throughput", throughputTasks, workDirectory));
        }
        var peakRss = ProcessMemory.PeakRssBytes(Environment.ProcessId) ?? 0;

        var stopRequestedAt = DateTimeOffset.UtcNow;
        await host.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;

        var report = new ServiceProbeReport
        {
            WithFarm = withFarm,
            Tls = tls,
            MainEnteredAt = mainEnteredAt,
            HostStartedAt = hostStartedAt,
            MemberUpAt = memberUpAt,
            RssAtUpBytes = rssAtUp,
            ManagedHeapAtUpBytes = heapAtUp,
            CpuSecondsAtUp = cpuAtUp,
            FarmReadyAt = farmReadyAt,
            SmallJob = smallJob,
            ThroughputJob = throughputJob,
            PeakRssBytes = peakRss,
            StopRequestedAt = stopRequestedAt,
            StoppedAt = stoppedAt,
            SystemTerminated = system.WhenTerminated.IsCompleted,
        };
        await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report) + "\n");
        return 0;
    }

    private static IHost Build(string workDirectory, bool withFarm, bool insecure, TaskCompletionSource<DateTimeOffset> memberUp)
    {
        // No arguments: the probe's own are not the host's configuration.
        var builder = Host.CreateApplicationBuilder([]);
        // Logs to stderr (the harness reads nothing on stdout), warnings and worse, in both variants.
        builder.Logging.ClearProviders()
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning);

        // One access file's certificate, presented and pinned both ways: what a secured service does.
        var ssl = insecure ? null : AccessFileStore.Open(Path.Combine(workDirectory, "access.pem"), createIfMissing: true).ToSslSetup();
        if (withFarm)
            builder.Services.AddActorFarmClient();
        builder.Services.AddAkka(SystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = AkkaLogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0, EnableSsl = ssl is not null })
                .WithClustering(new ClusterOptions { Roles = [FarmOptions.CoordinatorRole, FarmOptions.WorkerRole] })
                // Registered before the farm: the farm's start-up step runs after this one, on a
                // member that has asked to join.
                .WithActors((system, _) =>
                {
                    // Port 0: the address is known only now, so the member joins itself here
                    // instead of naming a seed node.
                    var cluster = Cluster.Get(system);
                    cluster.RegisterOnMemberUp(() => memberUp.TrySetResult(DateTimeOffset.UtcNow));
                    cluster.Join(cluster.SelfAddress);
                });
            if (ssl is not null)
                akka.AddSetup(ssl);
            if (withFarm)
                akka.WithActorFarm(new ActorFarmOptions { StateDirectory = Path.Combine(workDirectory, "state"), Slots = 2 });
        });
        return builder.Build();
    }

    /// <summary><c>handler = noop</c> over <paramref name="tasks"/> indices, built in code as a service would.</summary>
    private static JobSpec NoopJob(string name, long tasks, string workDirectory) => new()
    {
        Name = name,
        Command = new CommandSpec { Handler = "noop" },
        Sweep = new SweepSpec { Axes = [new IntRangeAxis { Name = "i", From = 1, To = tasks }] },
        Output = new OutputSpec { Directory = Path.Combine(workDirectory, "out"), Capture = OutputCapture.None },
    };

    private static async Task<JobTimes> RunJobAsync(IFarmClient farm, JobSpec spec)
    {
        var submittedAt = DateTimeOffset.UtcNow;
        var submitted = await farm.SubmitAsync(spec, AskTimeout);
        var acceptedAt = DateTimeOffset.UtcNow;
        var last = submitted.Status;
        await foreach (var status in farm.WatchAsync(submitted.JobId))
            last = status;
        var finishedAt = DateTimeOffset.UtcNow;
        if (last.Phase != JobPhase.Finished || last.Succeeded != spec.TaskCount)
            throw new InvalidOperationException(
                $"job {spec.Name} ended {last.Phase} with {last.Succeeded} of {spec.TaskCount} tasks succeeded{(last.Fault is { } f ? ": " + f : "")}");
        return new JobTimes(spec.TaskCount, submittedAt, acceptedAt, finishedAt);
    }
}
