using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using ActorFarm.Security;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm node --seeds host:port [--roles coordinator,worker] [--slots N]</c>: runs one
/// farm node in a cluster until SIGTERM or Ctrl+C, then leaves gracefully (a worker node gives
/// back its queued tasks and lets running ones finish within the drain grace; a coordinator node
/// hands its jobs over). Worker-role nodes run tasks; coordinator-role nodes host the jobs and
/// need a journal: PostgreSQL when there are several of them, or SQLite in --state-dir.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var seeds = new Option<string>("--seeds")
        {
            Description = "Seed nodes (the Lighthouse), host:port or akka.tcp://actorfarm@host:port, comma-separated.",
            Required = true,
        };
        var roles = new Option<string>("--roles")
        {
            Description = "coordinator (hosts jobs, needs a journal), worker (runs tasks), or both.",
            DefaultValueFactory = _ => "coordinator,worker",
        };
        var slots = CommonOptions.Slots();
        var host = new Option<string>("--host") { Description = "Address to bind and advertise.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to bind (0: any free port).", DefaultValueFactory = _ => 0 };
        var name = new Option<string?>("--name") { Description = "Node name written into results (default: host name and port)." };
        var state = CommonOptions.StateDirectory();
        var postgres = new Option<string?>("--postgres")
        {
            Description = "PostgreSQL connection string for the journal (or set ACTORFARM_POSTGRES); without it a coordinator journals to SQLite in --state-dir.",
        };
        var leaveAt = new Option<string?>("--leave-at")
        {
            Description = "When this node must be gone (e.g. the end of a SLURM allocation): an ISO 8601 time (local unless it has an offset) or Unix seconds. It drains and leaves in time, and never starts a task whose expected-duration would run past it.",
        };
        var handlers = CommonOptions.Handlers();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var dashboard = CommonOptions.Dashboard();
        var readOnly = CommonOptions.ReadOnlyDashboard();
        var extra = ExtraConfig.Create();
        var command = new Command("node", "Run a farm node in a cluster until SIGTERM or Ctrl+C.")
        {
            seeds, roles, slots, host, port, name, state, postgres, leaveAt, handlers, json, verbose, logFormat, dashboard, readOnly,
        };
        foreach (var option in extra.Options) command.Options.Add(option);

        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            FarmOptions options;
            try
            {
                var roleList = parse.GetValue(roles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var unknown = roleList.Where(r => r is not (FarmOptions.CoordinatorRole or FarmOptions.WorkerRole)).ToList();
                if (roleList.Length == 0 || unknown.Count > 0)
                    throw new ArgumentException($"--roles: expected coordinator and/or worker, got '{parse.GetValue(roles)}'");
                var seedList = ClusterAddress.ParseList(parse.GetValue(seeds)!);
                var config = CliConfig.For(parse.GetValue(verbose), extra.Read(parse));
                options = new FarmOptions
                {
                    Seeds = seedList,
                    Roles = roleList,
                    Slots = parse.GetValue(slots),
                    Host = parse.GetValue(host)!,
                    Port = parse.GetValue(port),
                    NodeName = parse.GetValue(name),
                    HandlerAssemblies = CommonOptions.HandlerPaths(parse.GetValue(handlers)),
                    StateDirectory = parse.GetValue(state)!.FullName,
                    PostgresConnectionString = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("ACTORFARM_POSTGRES"),
                    LeaveAt = parse.GetValue(leaveAt) is { } at ? ParseTime(at) : null,
                    // A plain scancel, the time limit or systemd signal the tasks too.
                    ObserveStopSignals = true,
                    Access = extra.ReadAccess(parse, FarmAccess.DefaultPath(parse.GetValue(state)!.FullName), create: true),
                    Config = config,
                };
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                output.Error(e.Message);
                return ExitCodes.BadInput;
            }

            StopSignals.Consequence = StopSignals.Node;
            var (farm, exitCode) = await FarmStart.TryStartAsync(options, output, "node", ct);
            if (farm is null) return exitCode;

            await using (farm)
            {
                if (farm.CreatedAccessFile is { } created)
                    output.Notice($"created the farm's access file {created} (mode 0600): every node and client of this farm needs it (--access-file)");
                var slotCount = farm.Node is null ? (int?)null : farm.Slots;
                output.NodeUp(farm.NodeName, farm.Address.ToString(), options.Roles, slotCount, farm.Handlers);
                // Its output may be a SLURM job file others can read: the address is printed
                // without the token, which comes from the access file (actorfarm access
                // --dashboard-token). Without one (--insecure) the token is random and printed.
                var accessFile = (options.Access as FarmAccess.FromFile)?.Path;
                var dashboardOptions = DashboardStart.Options(parse.GetValue(dashboard), parse.GetValue(readOnly), accessFile);
                await using var server = dashboardOptions is null ? null
                    : await DashboardStart.TryStartAsync(farm.Client, dashboardOptions, output, showToken: accessFile is null, ct);
                if (dashboardOptions is not null && server is null) return ExitCodes.FarmError;
                var stopped = new TaskCompletionSource();
                await using var registration = ct.Register(() => stopped.TrySetResult());
                var ended = await Task.WhenAny(stopped.Task, farm.WhenTerminated);
                if (ended == farm.WhenTerminated && farm.LeftOnSchedule)
                {
                    output.NodeLeft(farm.NodeName, "its --leave-at time came");
                    return ExitCodes.Success;
                }
                if (ended == farm.WhenTerminated)
                {
                    // Downed by the cluster (split brain resolver) or its seeds never answered.
                    output.NodeLeft(farm.NodeName, "removed from the cluster");
                    return ExitCodes.FarmError;
                }
            }
            output.NodeLeft(farm.NodeName, "shut down");
            return ExitCodes.Success;
        });
        return command;
    }

    private static DateTimeOffset ParseTime(string text)
    {
        if (long.TryParse(text, out var unixSeconds))
            return DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeLocal, out var time))
            return time;
        throw new ArgumentException($"--leave-at: expected an ISO 8601 time or Unix seconds, got '{text}'");
    }
}
