namespace ActorFarm.Manifest;

/// <summary>
/// Reads one <c>jobs.&lt;name&gt;</c> object into a <see cref="JobSpec"/>. What is HOCON's own (the
/// keys, the types, the forms a value may take) is checked here; every rule about the values
/// themselves is in <see cref="JobRules"/> and <see cref="SweepRules"/>, which
/// <see cref="JobSpecValidator"/> applies to jobs built in code.
/// </summary>
internal static partial class JobSpecReader
{
    public static readonly string[] JobKeys =
        ["command", "shell", "handler", "handler-args", "sweep", "sweep-mode", "env", "workdir", "timeout", "expected-duration", "retry", "priority", "cpus", "max-fails", "output"];

    private static readonly string[] RetryKeys = ["max-attempts", "exit-codes", "on-timeout", "backoff", "max-backoff"];

    private static readonly string[] OutputKeys = ["directory", "capture", "max-bytes-per-task"];

    private static readonly Dictionary<string, OutputCapture> Captures = new()
    {
        ["files"] = OutputCapture.Files,
        ["combined"] = OutputCapture.Combined,
        ["none"] = OutputCapture.None,
    };

    /// <summary>Output directory used when a job names none, relative to the manifest.</summary>
    public const string DefaultOutputDirectory = "out";

    /// <summary>The job, or null when it has errors (they are in <see cref="ManifestReader.Errors"/>).</summary>
    public static JobSpec? Read(ManifestReader r, string name, HoconNode node, KeyPath path, string sourceFile)
    {
        int errorsBefore = r.Errors.Count;
        JobRules.Name(r, name, path);
        if (!r.ExpectObject(node, path, "an object describing the job, e.g. { command = [\"prog\", \"arg\"] }")) return null;
        r.CheckKeys(node, path, JobKeys);

        var command = ReadCommand(r, node, path);
        var sweep = SweepReader.Read(r, node.Get("sweep"), node.Get("sweep-mode"), path);
        var env = ReadTemplateMap(r, node.Get("env"), path.Child("env"), isEnvironment: true);

        var workdirPath = path.Child("workdir");
        string? workdir = r.ReadString(node.Get("workdir"), workdirPath);
        if (workdir is not null) JobRules.WorkingDirectory(r, workdirPath, workdir);
        var timeout = JobRules.Timeout(r, path.Child("timeout"), r.ReadDuration(node.Get("timeout"), path.Child("timeout")));
        var expectedPath = path.Child("expected-duration");
        var expected = JobRules.ExpectedDuration(r, expectedPath, r.ReadDuration(node.Get("expected-duration"), expectedPath));

        var retry = ReadRetry(r, node.Get("retry"), path.Child("retry"));
        int priority = r.ReadInt(node.Get("priority"), path.Child("priority")) ?? 0;
        var cpusPath = path.Child("cpus");
        int? cpus = r.ReadInt(node.Get("cpus"), cpusPath) is { } k && JobRules.Cpus(r, cpusPath, k) ? k : null;
        var maxFailsPath = path.Child("max-fails");
        int? maxFails = r.ReadInt(node.Get("max-fails"), maxFailsPath) is { } n && JobRules.MaxFails(r, maxFailsPath, n) ? n : null;
        var (output, outputTemplate) = ReadOutput(r, node.Get("output"), path.Child("output"));

        // Axes with errors count as defined, so a bad axis is reported once, not again at each use.
        var axisNames = node.Get("sweep") is { Kind: HoconKind.Object } sweepNode
            ? sweepNode.Fields!.Select(f => f.Key)
            : [];
        var outputPath = path.Child("output").Child("directory");
        bool workdirOk = JobRules.Templates(r, path, JobRules.DefinedPlaceholders(axisNames), command?.Argv, command?.ShellCommand,
            command?.HandlerArgs ?? [], env, workdir,
            outputTemplate ?? (r.Options.OutputDirectoryOverride is { Length: > 0 } overridden ? overridden : null));

        // Text problems (NUL) were reported before this job was read, by the walk over the whole file.
        if (r.Errors.Count > errorsBefore || command is null || r.HasTextProblemsUnder(path)) return null;
        var spec = new JobSpec
        {
            Name = name,
            Command = command,
            Sweep = sweep,
            Environment = env,
            WorkingDirectory = workdirOk ? r.ResolveDirectoryTemplate(workdir!) : r.BaseDirectory,
            Timeout = timeout,
            ExpectedDuration = expected,
            Retry = retry,
            Priority = priority,
            Cpus = cpus,
            MaxFails = maxFails,
            Output = output,
            SourceFile = sourceFile,
        };
        return JobRules.OutputPaths(r, node.Get("output") is null ? path : outputPath, spec) ? spec : null;
    }

    private static CommandSpec? ReadCommand(ManifestReader r, HoconNode job, KeyPath path)
    {
        var commandNode = job.Get("command");
        var handlerNode = job.Get("handler");
        var argsNode = job.Get("handler-args");
        bool hasCommand = commandNode is { Kind: not HoconKind.Null };
        bool hasHandler = handlerNode is { Kind: not HoconKind.Null };
        bool? shell = r.ReadBool(job.Get("shell"), path.Child("shell"));

        if (!JobRules.CommandOrHandler(r, path, hasCommand, hasHandler)) return null;

        if (hasHandler)
        {
            if (shell is not null) r.Error(path.Child("shell"), "shell applies to command, not to handler; remove it");
            var handler = r.ReadString(handlerNode, path.Child("handler"), "a handler name such as sleep");
            bool named = handler is not null && JobRules.HandlerName(r, path.Child("handler"), handler);
            var args = ReadTemplateMap(r, argsNode, path.Child("handler-args"), isEnvironment: false);
            return named ? new CommandSpec { Handler = handler, HandlerArgs = args } : null;
        }

        if (argsNode is not null) JobRules.HandlerArgsWithoutHandler(r, path.Child("handler-args"));
        var commandPath = path.Child("command");
        const string expected = "a list of strings such as [\"python3\", \"work.py\"], or a string with shell = true";
        switch (commandNode!.Kind)
        {
            case HoconKind.Array:
            {
                if (shell == true)
                {
                    r.Error(path.Child("shell"), "shell = true needs the command as one string, e.g. command = \"sort in.txt | uniq\"; a list command runs without a shell, so remove shell = true");
                    return null;
                }
                var items = commandNode.Items!;
                string? TextAt(int i) => items[i].Kind == HoconKind.String ? items[i].Text! : null;
                if (!JobRules.Argv(r, commandPath, items.Count, TextAt, i => ManifestReader.Describe(items[i]))) return null;
                var argv = items.Select(i => i.Text!).ToArray();
                return new CommandSpec { Argv = argv };
            }
            case HoconKind.String:
            {
                var text = commandNode.Text!;
                // The parser keeps no types, so "5" and 5 look alike; no command is just a number.
                if (ValueParsers.TryParseDouble(text, out _))
                {
                    r.Error(commandPath, $"expected {expected}, got {text}");
                    return null;
                }
                if (shell != true)
                {
                    r.Error(commandPath, "a string command runs through /bin/sh -c only with shell = true: add shell = true, or write the command as a list [\"program\", \"arg\", ...] to run it without a shell");
                    return null;
                }
                return JobRules.ShellCommand(r, commandPath, text) ? new CommandSpec { ShellCommand = text } : null;
            }
            default:
                r.Error(commandPath, $"expected {expected}, got {ManifestReader.Describe(commandNode)}");
                return null;
        }
    }
}
