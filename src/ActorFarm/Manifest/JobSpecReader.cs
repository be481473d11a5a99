using System.Text.RegularExpressions;

namespace ActorFarm.Manifest;

/// <summary>Reads and validates one <c>jobs.&lt;name&gt;</c> object into a <see cref="JobSpec"/>.</summary>
internal static partial class JobSpecReader
{
    public static readonly string[] JobKeys =
        ["command", "shell", "handler", "handler-args", "sweep", "sweep-mode", "env", "workdir", "timeout", "expected-duration", "retry", "priority", "output"];

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

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    public static partial Regex JobName();

    /// <summary>The job, or null when it has errors (they are in <see cref="ManifestReader.Errors"/>).</summary>
    public static JobSpec? Read(ManifestReader r, string name, HoconNode node, KeyPath path, string sourceFile)
    {
        int errorsBefore = r.Errors.Count;
        if (!JobName().IsMatch(name))
            r.Error(path, $"invalid job name '{name}': use only letters, digits, '_', '.' and '-'");
        else if (name is "." or "..")
            r.Error(path, $"invalid job name '{name}': the name is a directory under output.directory, and '{name}' would put the job's files {(name == "." ? "in the output directory itself" : "outside the output directory")}");
        else if (name.Length > ManifestLimits.MaxJobNameLength)
            r.Error(path, $"the job name is {name.Length} characters long, more than the limit of {ManifestLimits.MaxJobNameLength} (it names the job's output directory and its journal entry)");
        if (!r.ExpectObject(node, path, "an object describing the job, e.g. { command = [\"prog\", \"arg\"] }")) return null;
        r.CheckKeys(node, path, JobKeys);

        var command = ReadCommand(r, node, path);
        var sweep = SweepReader.Read(r, node.Get("sweep"), node.Get("sweep-mode"), path);
        var env = ReadTemplateMap(r, node.Get("env"), path.Child("env"), isEnvironment: true);

        var workdirPath = path.Child("workdir");
        string? workdir = r.ReadString(node.Get("workdir"), workdirPath);
        if (workdir is { Length: 0 }) r.Error(workdirPath, "must not be empty (leave workdir out to use the manifest's directory)");

        var timeoutPath = path.Child("timeout");
        var timeout = r.ReadDuration(node.Get("timeout"), timeoutPath);
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            r.Error(timeoutPath, $"the timeout must be positive, got {ValueParsers.Format(t)} (leave timeout out for no limit)");
            timeout = null;
        }

        var expectedPath = path.Child("expected-duration");
        var expected = r.ReadDuration(node.Get("expected-duration"), expectedPath);
        if (expected is { } e && e <= TimeSpan.Zero)
        {
            r.Error(expectedPath, $"the expected duration must be positive, got {ValueParsers.Format(e)}");
            expected = null;
        }

        var retry = ReadRetry(r, node.Get("retry"), path.Child("retry"));
        int priority = r.ReadInt(node.Get("priority"), path.Child("priority")) ?? 0;
        var (output, outputTemplate) = ReadOutput(r, node.Get("output"), path.Child("output"));

        // Every template may use the sweep's axes and the built-ins. Axes with errors count as
        // defined, so a bad axis is reported once, not again at each use.
        var axisNames = node.Get("sweep") is { Kind: HoconKind.Object } sweepNode
            ? sweepNode.Fields!.Select(f => f.Key)
            : [];
        var defined = axisNames.Concat(Placeholders.BuiltInNames).Distinct().ToList();
        if (command?.Argv is { } argv)
            for (int i = 0; i < argv.Length; i++) CheckTemplate(r, argv[i], path.Child("command").At(i), defined);
        if (command?.ShellCommand is { } shell) CheckTemplate(r, shell, path.Child("command"), defined);
        if (command is not null)
            foreach (var (key, value) in command.HandlerArgs) CheckTemplate(r, value, path.Child("handler-args").Child(key), defined);
        foreach (var (key, value) in env) CheckTemplate(r, value, path.Child("env").Child(key), defined);
        bool workdirOk = workdir is { Length: > 0 } && CheckTemplate(r, workdir, workdirPath, defined);
        var outputPath = path.Child("output").Child("directory");
        if (outputTemplate is not null) CheckOutputTemplate(r, outputTemplate, outputPath, defined);
        else if (r.Options.OutputDirectoryOverride is { Length: > 0 } overridden) CheckOutputTemplate(r, overridden, outputPath, defined);

        if (r.Errors.Count > errorsBefore || command is null) return null;
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
            Output = output,
            SourceFile = sourceFile,
        };
        if (OutputLayout.PathProblem(spec) is { } tooLong)
        {
            r.Error(node.Get("output") is null ? path : outputPath, tooLong);
            return null;
        }
        return spec;
    }

    /// <summary>
    /// <c>output.directory</c> may use <c>${job}</c> only: the job's results file and the output of
    /// all its tasks live under one directory (<see cref="OutputLayout"/>), which a per-task value would split.
    /// </summary>
    private static void CheckOutputTemplate(ManifestReader r, string template, KeyPath path, List<string> defined)
    {
        if (Placeholders.SyntaxError(template) is { } syntax)
        {
            r.Error(path, syntax);
            return;
        }
        foreach (var name in Placeholders.NamesIn(template).Distinct())
        {
            if (OutputLayout.AllowedPlaceholders.Contains(name)) continue;
            r.Error(path, defined.Contains(name)
                ? $"output.directory may use only ${{{Placeholders.Job}}}: the job's results.jsonl and the output of all its tasks go under one directory, and ${{{name}}} changes from task to task (a per-task directory belongs in workdir)"
                : $"undefined placeholder ${{{name}}}; output.directory may use only ${{{Placeholders.Job}}}");
        }
    }

    /// <summary>Reports syntax errors and undefined placeholders; true when the template is usable.</summary>
    private static bool CheckTemplate(ManifestReader r, string template, KeyPath path, List<string> defined)
    {
        if (Placeholders.SyntaxError(template) is { } syntax)
        {
            r.Error(path, syntax);
            return false;
        }
        bool ok = true;
        foreach (var name in Placeholders.NamesIn(template).Distinct())
        {
            if (defined.Contains(name)) continue;
            r.Error(path, $"undefined placeholder ${{{name}}}{KeySuggester.Hint(name, defined)}; defined here: {string.Join(", ", defined)}");
            ok = false;
        }
        return ok;
    }

    private static CommandSpec? ReadCommand(ManifestReader r, HoconNode job, KeyPath path)
    {
        var commandNode = job.Get("command");
        var handlerNode = job.Get("handler");
        var argsNode = job.Get("handler-args");
        bool hasCommand = commandNode is { Kind: not HoconKind.Null };
        bool hasHandler = handlerNode is { Kind: not HoconKind.Null };
        bool? shell = r.ReadBool(job.Get("shell"), path.Child("shell"));

        if (hasCommand && hasHandler)
        {
            r.Error(path, "both command and handler are given; a job runs either a command or an in-process handler, remove one");
            return null;
        }
        if (!hasCommand && !hasHandler)
        {
            r.Error(path, "missing command: add command = [\"program\", \"arg\", ...] (or handler = <name> for an in-process handler)");
            return null;
        }

        if (hasHandler)
        {
            if (shell is not null) r.Error(path.Child("shell"), "shell applies to command, not to handler; remove it");
            var handler = r.ReadString(handlerNode, path.Child("handler"), "a handler name such as sleep");
            if (handler is { Length: 0 }) r.Error(path.Child("handler"), "the handler name is empty");
            var args = ReadTemplateMap(r, argsNode, path.Child("handler-args"), isEnvironment: false);
            return handler is { Length: > 0 } ? new CommandSpec { Handler = handler, HandlerArgs = args } : null;
        }

        if (argsNode is not null) r.Error(path.Child("handler-args"), "handler-args only applies with handler = <name>; pass arguments to a command in its list");
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
                if (items.Count == 0)
                {
                    r.Error(commandPath, "the command list is empty; its first element must be the program to run");
                    return null;
                }
                var argv = new string[items.Count];
                bool ok = true;
                for (int i = 0; i < items.Count; i++)
                {
                    if (items[i].Kind == HoconKind.String) argv[i] = items[i].Text!;
                    else
                    {
                        r.Error(commandPath.At(i), $"expected a string argument, got {ManifestReader.Describe(items[i])}");
                        ok = false;
                    }
                }
                if (ok && string.IsNullOrWhiteSpace(argv[0]))
                {
                    r.Error(commandPath.At(0), "the program (first element of the command) is empty");
                    ok = false;
                }
                return ok ? new CommandSpec { Argv = argv } : null;
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
                if (string.IsNullOrWhiteSpace(text))
                {
                    r.Error(commandPath, "the command is empty");
                    return null;
                }
                return new CommandSpec { ShellCommand = text };
            }
            default:
                r.Error(commandPath, $"expected {expected}, got {ManifestReader.Describe(commandNode)}");
                return null;
        }
    }
}
