using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm alloc add slurm | list | remove</c>: the farm's allocation queues. A queue makes
/// the farm's coordinator submit SLURM allocations whose nodes join the farm while jobs have tasks
/// its nodes cannot start, and release them when idle (docs/slurm.md, "A farm on the login node").
/// </summary>
internal static class AllocCommand
{
    public static Command Create() => new("alloc", "Automatic SLURM allocations: queues that feed the farm with nodes while jobs wait, and release them when idle.")
    {
        CreateAdd(),
        CreateList(),
        CreateRemove(),
    };

    private static Command CreateAdd()
    {
        var maxNodes = PositiveInt("--max-nodes", "The most nodes this queue's allocations hold at once.", null);
        var nodesPerAllocation = PositiveInt("--nodes-per-alloc", "Nodes in each allocation (sbatch --nodes).", 1);
        var time = Duration("--time", "Each allocation's time limit (sbatch --time), e.g. 1h, 30m.", null);
        var idle = Duration("--idle-timeout", "An allocation whose nodes ran nothing this long is released (scancel), e.g. 5m.", "5m");
        var backlog = PositiveInt("--backlog", "Allocations that may wait in SLURM's queue at once.", 1);
        var name = new Option<string>("--name") { Description = "A name for the queue, shown by 'alloc list'.", DefaultValueFactory = _ => "" };
        var script = new Option<FileInfo?>("--worker-script")
        {
            Description = "The batch script each allocation runs (default: slurm/actorfarm-workers.sbatch of this ActorFarm).",
        };
        var sbatch = new Argument<string[]>("sbatch-options")
        {
            Description = "Further sbatch options after --, passed as given (partition, account, --exclusive, ...).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var slurm = new Command("slurm", "Add a queue of SLURM allocations (sbatch) to the farm.")
        {
            maxNodes, nodesPerAllocation, time, idle, backlog, name, script, sbatch, json, verbose, logFormat,
        };
        remote.AddTo(slurm);
        slurm.Validators.Add(result =>
        {
            var max = result.GetValue(maxNodes);
            var per = result.GetValue(nodesPerAllocation);
            if (max is { } m && per is { } p && p > m)
                result.AddError($"--nodes-per-alloc ({p}) is more than --max-nodes ({m}): no allocation could ever be submitted");
        });
        slurm.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var workerScript = parse.GetValue(script)?.FullName ?? WorkerScripts.Find();
            if (workerScript is null || !File.Exists(workerScript))
            {
                output.Error(workerScript is null
                    ? "cannot find slurm/actorfarm-workers.sbatch beside this program; set ACTORFARM_HOME to the ActorFarm checkout or pass --worker-script"
                    : $"--worker-script: {workerScript} does not exist");
                return ExitCodes.BadInput;
            }
            var spec = new AllocationQueueSpec(
                parse.GetValue(maxNodes)!.Value,
                parse.GetValue(nodesPerAllocation)!.Value,
                parse.GetValue(time)!.Value,
                parse.GetValue(idle)!.Value,
                parse.GetValue(backlog)!.Value,
                parse.GetValue(sbatch) ?? [],
                workerScript,
                Environment.CurrentDirectory,
                WorkerEnvironment(remote.AccessFilePath(parse), remote.IsInsecure(parse), workerScript),
                parse.GetValue(name)!);
            return await remote.RunAsync(parse, output, async client =>
            {
                var added = await client.AddAllocationQueueAsync(spec, cancellationToken: ct);
                output.AllocationQueueAdded(added.QueueId, spec);
                return ExitCodes.Success;
            }, ct);
        });
        return new Command("add", "Add an allocation queue.") { slurm };
    }

    private static Command CreateList()
    {
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("list", "The farm's allocation queues and their allocations.") { json, verbose, logFormat };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                output.AllocationQueues(await client.AllocationQueuesAsync(cancellationToken: ct));
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var queue = new Argument<int>("queue") { Description = "The queue's number (alloc list)." };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("remove", "Remove an allocation queue and cancel its allocations (their running tasks go back to their jobs).")
        {
            queue, json, verbose, logFormat,
        };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            return await remote.RunAsync(parse, output, async client =>
            {
                var removed = await client.RemoveAllocationQueueAsync(parse.GetValue(queue), cancellationToken: ct);
                if (removed.Error is { } error)
                {
                    output.Error(error);
                    return ExitCodes.BadInput;
                }
                output.AllocationQueueRemoved(removed);
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }

    /// <summary>
    /// What the allocation's nodes need to find this ActorFarm and join the farm: the client's own
    /// ACTORFARM_* settings (slots, host, config; never the PostgreSQL connection string, which
    /// only the coordinator needs), the program this client runs as, and the farm's access file.
    /// </summary>
    private static Dictionary<string, string> WorkerEnvironment(string? accessFile, bool insecure, string workerScript)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            if (variable.Key is string key && key.StartsWith("ACTORFARM_", StringComparison.Ordinal) && key != "ACTORFARM_POSTGRES"
                && variable.Value is string value)
                environment[key] = value;
        if (environment.TryGetValue("ACTORFARM_CONFIG", out var config)) environment["ACTORFARM_CONFIG"] = Path.GetFullPath(config);
        environment["ACTORFARM_HOME"] = Path.GetDirectoryName(Path.GetDirectoryName(workerScript))!;
        environment["ACTORFARM_CLI"] = typeof(AllocCommand).Assembly.Location;
        if (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet")
            environment["ACTORFARM_DOTNET"] = host;
        if (insecure) environment["ACTORFARM_INSECURE"] = "1";
        else if (accessFile is not null) environment["ACTORFARM_ACCESS_FILE"] = Path.GetFullPath(accessFile);
        return environment;
    }

    private static Option<int?> PositiveInt(string name, string description, int? defaultValue)
    {
        var option = new Option<int?>(name) { Description = description, Required = defaultValue is null };
        if (defaultValue is { } value) option.DefaultValueFactory = _ => value;
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n < 1)
                result.AddError($"{name} must be at least 1, got {n}");
        });
        return option;
    }

    private static Option<TimeSpan?> Duration(string name, string description, string? defaultValue)
    {
        var option = new Option<TimeSpan?>(name)
        {
            Description = description,
            Required = defaultValue is null,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : defaultValue!;
                if (ValueParsers.TryParseDuration(text, out var value, out var problem) && value > TimeSpan.Zero) return value;
                result.AddError($"{name}: {problem ?? $"must be more than zero, got \"{text}\""}");
                return null;
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = option.CustomParser;
        return option;
    }
}
