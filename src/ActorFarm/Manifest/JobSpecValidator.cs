using System.Globalization;

namespace ActorFarm.Manifest;

/// <summary>
/// Checks a <see cref="JobSpec"/> built in code against the rules a manifest is checked against,
/// with the same code (<see cref="JobRules"/>, <see cref="SweepRules"/>): a job written in C# gets
/// the same messages, at the same key paths (<c>jobs.&lt;name&gt;.timeout</c>), as the same job
/// written in HOCON. <see cref="Hosting.FarmClient.SubmitAsync"/> calls it before anything is sent.
/// A spec loaded from a manifest passes unchanged.
/// <para>
/// A few rules exist only here, because HOCON cannot express what they catch: null members, a
/// command with both <see cref="CommandSpec.Argv"/> and <see cref="CommandSpec.ShellCommand"/>,
/// two axes of one name, enum values out of range, a negative
/// <see cref="OutputSpec.MaxBytesPerTask"/>, a relative path with no manifest to resolve it
/// against (<see cref="JobSpec.SourceFile"/> unset), a relative <see cref="FileLinesAxis.Path"/>
/// and a <see cref="FileLinesAxis.LineCount"/> that is not the file's.
/// </para>
/// </summary>
public static class JobSpecValidator
{
    /// <summary>Every problem of the spec (none when it is valid), in the order the job's keys are read.</summary>
    /// <param name="spec">The job to check.</param>
    /// <param name="options">The limits to apply (task count, file-lines line length); <see cref="ManifestOptions.Default"/> when null.</param>
    public static IReadOnlyList<ManifestError> Validate(JobSpec spec, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var check = new Check(spec, options ?? ManifestOptions.Default);
        check.Run();
        return check.Errors;
    }

    /// <summary>Throws when the spec has any problem.</summary>
    /// <exception cref="InvalidJobSpecException">The spec is invalid; <see cref="InvalidJobSpecException.Errors"/> lists every problem.</exception>
    public static void EnsureValid(JobSpec spec, ManifestOptions? options = null)
    {
        var errors = Validate(spec, options);
        if (errors.Count > 0) throw new InvalidJobSpecException(spec.Name, errors);
    }

    /// <summary>One validation: walks the spec in the manifest reader's order and reports into its own list.</summary>
    private sealed class Check(JobSpec spec, ManifestOptions options) : IErrorSink
    {
        private static readonly Dictionary<string, string> NoArgs = new();

        private readonly KeyPath _jobs = KeyPath.Root.Child("jobs");

        // A relative directory resolves against the manifest's directory; a spec built in code has none.
        private readonly bool _hasManifestDirectory = spec.SourceFile is { } source && Path.IsPathRooted(source);

        public List<ManifestError> Errors { get; } = new();

        public void Error(KeyPath path, string message) =>
            Errors.Add(new ManifestError(spec.SourceFile ?? "", path.ToString(), null, message));

        public void Run()
        {
            if (spec.Name is null) Error(_jobs, "the job has no name (JobSpec.Name)");
            var path = _jobs.Child(spec.Name ?? "");
            ReportText(path);
            if (spec.Name is not null) JobRules.Name(this, spec.Name, path);

            var command = CheckCommand(path);
            var axisNames = CheckSweep(path);
            var env = spec.Environment is null
                ? Null(path.Child("env"), "JobSpec.Environment", NoArgs)
                : JobRules.TemplateMap(this, path.Child("env"), spec.Environment.Select(e => (e.Key, (string?)e.Value, "null")), isEnvironment: true);
            if (spec.WorkingDirectory is { } workdir && JobRules.WorkingDirectory(this, path.Child("workdir"), workdir))
                CheckResolvable(path.Child("workdir"), workdir, "workdir");
            JobRules.Timeout(this, path.Child("timeout"), spec.Timeout);
            JobRules.ExpectedDuration(this, path.Child("expected-duration"), spec.ExpectedDuration);
            CheckRetry(path.Child("retry"));
            if (spec.Cpus is { } cpus) JobRules.Cpus(this, path.Child("cpus"), cpus);
            if (spec.MaxFails is { } maxFails) JobRules.MaxFails(this, path.Child("max-fails"), maxFails);
            var outputTemplate = CheckOutput(path.Child("output"));

            JobRules.Templates(this, path, JobRules.DefinedPlaceholders(axisNames), command?.Argv, command?.ShellCommand,
                command?.HandlerArgs ?? NoArgs, env, spec.WorkingDirectory, outputTemplate);
            if (Errors.Count == 0) JobRules.OutputPaths(this, path.Child("output").Child("directory"), spec);
        }

        /// <summary>NUL characters and lone surrogates, where the manifest reader finds them in its tree of values.</summary>
        private void ReportText(KeyPath path)
        {
            Key(spec.Name, _jobs);
            if (spec.Command is { } c)
            {
                if (c.Argv is { } argv)
                    for (int i = 0; i < argv.Length; i++) Text(argv[i], path.Child("command").At(i));
                Text(c.ShellCommand, path.Child("command"));
                Text(c.Handler, path.Child("handler"));
                Map(c.HandlerArgs, path.Child("handler-args"));
            }
            if (spec.Sweep?.Axes is { } axes)
            {
                foreach (var axis in axes)
                {
                    if (axis?.Name is null || Key(axis.Name, path.Child("sweep"))) continue;
                    var axisPath = path.Child("sweep").Child(axis.Name);
                    if (axis is ListAxis { Values: { } values })
                        for (int i = 0; i < values.Length; i++) Text(values[i], axisPath.At(i));
                    if (axis is FileLinesAxis file) Text(file.Path, axisPath.Child("file"));
                }
            }
            Map(spec.Environment, path.Child("env"));
            Text(spec.WorkingDirectory, path.Child("workdir"));
            Text(spec.Output?.Directory, path.Child("output").Child("directory"));

            void Text(string? value, KeyPath at)
            {
                if (value is not null && JobRules.TextProblem(value) is { } problem) Error(at, problem);
            }

            bool Key(string? key, KeyPath parent)
            {
                if (key is null || !key.Contains('\0')) return false;
                Error(parent, JobRules.NulInKey);
                return true;
            }

            void Map(Dictionary<string, string>? map, KeyPath at)
            {
                if (map is null) return;
                foreach (var (key, value) in map)
                    if (!Key(key, at)) Text(value, at.Child(key));
            }
        }

        /// <summary>The command when it is valid, with the handler arguments whose templates are to be checked.</summary>
        private CommandSpec? CheckCommand(KeyPath path)
        {
            var c = spec.Command;
            bool hasCommand = c?.Argv is not null || c?.ShellCommand is not null;
            bool hasHandler = c?.Handler is not null;
            if (!JobRules.CommandOrHandler(this, path, hasCommand, hasHandler)) return null;
            var argsPath = path.Child("handler-args");
            if (c!.HandlerArgs is null) Null(argsPath, "CommandSpec.HandlerArgs", 0);

            if (hasHandler)
            {
                bool named = JobRules.HandlerName(this, path.Child("handler"), c.Handler!);
                var args = c.HandlerArgs is null
                    ? NoArgs
                    : JobRules.TemplateMap(this, argsPath, c.HandlerArgs.Select(a => (a.Key, (string?)a.Value, "null")), isEnvironment: false);
                return named ? c with { HandlerArgs = args } : null;
            }

            if (c.HandlerArgs is { Count: > 0 }) JobRules.HandlerArgsWithoutHandler(this, argsPath);
            var commandPath = path.Child("command");
            if (c.Argv is { } argv)
            {
                if (c.ShellCommand is not null)
                {
                    Error(commandPath, "both Argv and ShellCommand are set; a command is either a list run without a shell (Argv) or one command line for /bin/sh -c (ShellCommand)");
                    return null;
                }
                return JobRules.Argv(this, commandPath, argv.Length, i => argv[i], _ => "null") ? c with { HandlerArgs = NoArgs } : null;
            }
            return JobRules.ShellCommand(this, commandPath, c.ShellCommand!) ? c with { HandlerArgs = NoArgs } : null;
        }

        /// <summary>Checks the sweep; returns the names of its axes (each may be used as a placeholder).</summary>
        private List<string> CheckSweep(KeyPath path)
        {
            var sweepPath = path.Child("sweep");
            var sweep = spec.Sweep;
            if (sweep is null) return Null(sweepPath, "JobSpec.Sweep; SweepSpec.Single runs one task with no parameters", new List<string>());
            if (!Enum.IsDefined(sweep.Mode))
                Error(path.Child("sweep-mode"), $"unknown sweep-mode '{(int)sweep.Mode}'; use one of: product, zip");
            if (sweep.Axes is null) return Null(sweepPath, "SweepSpec.Axes; an empty array runs one task", new List<string>());

            int errorsBefore = Errors.Count;
            var names = new List<string>();
            foreach (var axis in sweep.Axes)
            {
                if (axis is null)
                {
                    Error(sweepPath, "an axis is null (SweepSpec.Axes)");
                    continue;
                }
                if (axis.Name is null)
                {
                    Error(sweepPath, $"an axis has no name ({axis.GetType().Name}.Name)");
                    continue;
                }
                var axisPath = sweepPath.Child(axis.Name);
                if (names.Contains(axis.Name))
                {
                    Error(axisPath, $"two axes are named '{axis.Name}'; each axis is a placeholder and needs its own name");
                    continue;
                }
                names.Add(axis.Name);
                if (SweepRules.AxisName(this, axis.Name, axisPath)) CheckAxis(axis, axisPath);
            }
            if (Errors.Count == errorsBefore && sweep.Axes.Length > 0) SweepRules.Combined(this, sweepPath, sweep, options);
            return names;
        }

        private void CheckAxis(SweepAxis axis, KeyPath axisPath)
        {
            switch (axis)
            {
                case ListAxis list:
                    if (list.Values is null) Null(axisPath, "ListAxis.Values", 0);
                    else SweepRules.ListValues(this, axisPath, list.Values.Length, i => list.Values[i], _ => "null");
                    break;
                case IntRangeAxis range:
                    SweepRules.IntRange(this, axisPath, range.From, range.To, range.Step);
                    break;
                case FloatRangeAxis range:
                    SweepRules.FloatRange(this, axisPath, range.From, range.To, range.Step, Number(range.From), Number(range.To), Number(range.Step));
                    break;
                case FileLinesAxis file:
                    var filePath = axisPath.Child("file");
                    if (file.Path is null) Null(filePath, "FileLinesAxis.Path", 0);
                    else if (file.Path.Length > 0 && !Path.IsPathRooted(file.Path))
                        Error(filePath, $"'{file.Path}' is a relative path; name the file by its absolute path (FileLinesAxis.Path), the path every node reads it from");
                    else if (SweepRules.FileLines(this, filePath, file.Path, () => file.Path, options) is { } count && count != file.LineCount)
                        Error(axisPath, $"LineCount is {file.LineCount}, but {file.Path} has {count} non-blank lines (FileLinesAxis.LineCount is the number of tasks along the axis)");
                    break;
                default:
                    Error(axisPath, $"unknown kind of axis {axis.GetType().Name}; use ListAxis, IntRangeAxis, FloatRangeAxis or FileLinesAxis");
                    break;
            }
        }

        private void CheckRetry(KeyPath path)
        {
            if (spec.Retry is not { } retry)
            {
                Null(path, "JobSpec.Retry; RetryPolicy.None runs each task once", 0);
                return;
            }
            JobRules.MaxAttempts(this, path.Child("max-attempts"), retry.MaxAttempts);
            if (retry.ExitCodes is null) Null(path.Child("exit-codes"), "RetryPolicy.ExitCodes; empty retries every non-zero exit code", 0);
            else
                for (int i = 0; i < retry.ExitCodes.Length; i++) JobRules.RetryExitCode(this, path.Child("exit-codes").At(i), retry.ExitCodes[i]);
            // As the manifest reader does: a negative backoff is reported and the default stands in for it.
            var backoff = JobRules.NonNegative(this, path.Child("backoff"), retry.Backoff) ?? RetryPolicy.None.Backoff;
            if (JobRules.NonNegative(this, path.Child("max-backoff"), retry.MaxBackoff) is { } maxBackoff)
                JobRules.BackoffOrder(this, path.Child("max-backoff"), maxBackoff, backoff);
        }

        /// <summary>Checks the output; returns the directory template when it is one to check for placeholders.</summary>
        private string? CheckOutput(KeyPath path)
        {
            if (spec.Output is not { } output) return Null<string?>(path, "JobSpec.Output; give at least an absolute Directory", null);
            var directoryPath = path.Child("directory");
            string? template = null;
            if (output.Directory is null) Null(directoryPath, "OutputSpec.Directory", 0);
            else if (JobRules.OutputDirectory(this, directoryPath, output.Directory))
            {
                template = output.Directory;
                CheckResolvable(directoryPath, output.Directory, "output.directory");
            }
            if (!Enum.IsDefined(output.Capture))
                Error(path.Child("capture"), $"unknown capture mode '{(int)output.Capture}'; use one of: files, combined, none");
            if (output.MaxBytesPerTask < 0)
                Error(path.Child("max-bytes-per-task"), $"the size must not be negative, got {output.MaxBytesPerTask}");
            return template;
        }

        /// <summary>A relative directory needs the manifest's directory to resolve against.</summary>
        private void CheckResolvable(KeyPath path, string directory, string key)
        {
            if (_hasManifestDirectory || Path.IsPathRooted(directory)) return;
            Error(path, $"'{directory}' is a relative path, and a job built in code has no manifest directory to resolve it against; give {key} as an absolute path (or set JobSpec.SourceFile to the manifest the job belongs to)");
        }

        private T Null<T>(KeyPath path, string member, T fallback)
        {
            Error(path, $"must not be null ({member})");
            return fallback;
        }

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
