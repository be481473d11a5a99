using System.Text.RegularExpressions;

namespace ActorFarm.Manifest;

/// <summary>
/// The rules of a job, each written once. The manifest reader calls them on the values it has
/// read (once their HOCON types are checked); <see cref="JobSpecValidator"/> calls them on the
/// values of a <see cref="JobSpec"/> built in code. Both report through an <see cref="IErrorSink"/>
/// at the manifest's key paths (<c>jobs.&lt;name&gt;.retry.max-attempts</c>), so a job gets the
/// same messages however it was written. Rules of the sweep are in <see cref="SweepRules"/>.
/// </summary>
internal static partial class JobRules
{
    public const string NulInValue = "the value holds a NUL character (\\u0000); no argument, variable or path can hold NUL";

    public const string NulInKey = "a key holds a NUL character (\\u0000)";

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    public static partial Regex SafeName();

    /// <summary>Why a string value cannot reach a process (a NUL, or a lone surrogate that has no UTF-8 form), or null.</summary>
    public static string? TextProblem(string text)
    {
        if (text.Contains('\0')) return NulInValue;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c))
                return $"the value holds a lone surrogate (\\u{(int)c:X4}) at position {i}, which is not Unicode text and has no UTF-8 form";
        }
        return null;
    }

    /// <summary>The job's name names its output directory and its journal entry.</summary>
    public static void Name(IErrorSink r, string name, KeyPath path)
    {
        if (!SafeName().IsMatch(name))
            r.Error(path, $"invalid job name '{name}': use only letters, digits, '_', '.' and '-'");
        else if (name is "." or "..")
            r.Error(path, $"invalid job name '{name}': the name is a directory under output.directory, and '{name}' would put the job's files {(name == "." ? "in the output directory itself" : "outside the output directory")}");
        else if (name.Length > ManifestLimits.MaxJobNameLength)
            r.Error(path, $"the job name is {name.Length} characters long, more than the limit of {ManifestLimits.MaxJobNameLength} (it names the job's output directory and its journal entry)");
    }

    /// <summary>A job runs either a command or a handler, never both, never neither.</summary>
    public static bool CommandOrHandler(IErrorSink r, KeyPath jobPath, bool hasCommand, bool hasHandler)
    {
        if (hasCommand && hasHandler)
        {
            r.Error(jobPath, "both command and handler are given; a job runs either a command or an in-process handler, remove one");
            return false;
        }
        if (!hasCommand && !hasHandler)
        {
            r.Error(jobPath, "missing command: add command = [\"program\", \"arg\", ...] (or handler = <name> for an in-process handler)");
            return false;
        }
        return true;
    }

    /// <summary>
    /// A list command: at least one element, every element a string, and a program (element 0)
    /// that is not blank. <paramref name="textAt"/> gives an element's text, or null when it is
    /// not a string; <paramref name="describeAt"/> then says what it is (<c>null</c>, <c>a list</c>).
    /// </summary>
    public static bool Argv(IErrorSink r, KeyPath commandPath, int count, Func<int, string?> textAt, Func<int, string> describeAt)
    {
        if (count == 0)
        {
            r.Error(commandPath, "the command list is empty; its first element must be the program to run");
            return false;
        }
        bool ok = true;
        for (int i = 0; i < count; i++)
        {
            if (textAt(i) is not null) continue;
            r.Error(commandPath.At(i), $"expected a string argument, got {describeAt(i)}");
            ok = false;
        }
        if (ok && string.IsNullOrWhiteSpace(textAt(0)))
        {
            r.Error(commandPath.At(0), "the program (first element of the command) is empty");
            ok = false;
        }
        return ok;
    }

    /// <summary>A command line for <c>/bin/sh -c</c> must say something.</summary>
    public static bool ShellCommand(IErrorSink r, KeyPath commandPath, string text)
    {
        if (!string.IsNullOrWhiteSpace(text)) return true;
        r.Error(commandPath, "the command is empty");
        return false;
    }

    public static bool HandlerName(IErrorSink r, KeyPath handlerPath, string handler)
    {
        if (handler.Length > 0) return true;
        r.Error(handlerPath, "the handler name is empty");
        return false;
    }

    public static void HandlerArgsWithoutHandler(IErrorSink r, KeyPath argsPath) =>
        r.Error(argsPath, "handler-args only applies with handler = <name>; pass arguments to a command in its list");

    /// <summary>
    /// An object of string templates (<c>env</c>, <c>handler-args</c>): each value a string, each
    /// environment variable name usable. <c>Value</c> is null when the entry is not a string and
    /// <c>Got</c> says what it is. Returns the valid entries.
    /// </summary>
    public static Dictionary<string, string> TemplateMap(IErrorSink r, KeyPath path, IEnumerable<(string Key, string? Value, string Got)> entries, bool isEnvironment)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, got) in entries)
        {
            var keyPath = path.Child(key);
            if (isEnvironment && (key.Length == 0 || key.Contains('=') || key.Contains('\0')))
            {
                r.Error(keyPath, $"'{key}' is not a valid environment variable name");
                continue;
            }
            if (value is null)
            {
                r.Error(keyPath, $"expected a string value, got {got}");
                continue;
            }
            map[key] = value;
        }
        return map;
    }

    public static bool WorkingDirectory(IErrorSink r, KeyPath workdirPath, string workdir)
    {
        if (workdir.Length > 0) return true;
        r.Error(workdirPath, "must not be empty (leave workdir out to use the manifest's directory)");
        return false;
    }

    /// <summary>The timeout, or null when it is not positive (reported).</summary>
    public static TimeSpan? Timeout(IErrorSink r, KeyPath path, TimeSpan? timeout)
    {
        if (timeout is not { } t || t > TimeSpan.Zero) return timeout;
        r.Error(path, $"the timeout must be positive, got {ValueParsers.Format(t)} (leave timeout out for no limit)");
        return null;
    }

    /// <summary>The expected duration, or null when it is not positive (reported).</summary>
    public static TimeSpan? ExpectedDuration(IErrorSink r, KeyPath path, TimeSpan? expected)
    {
        if (expected is not { } e || e > TimeSpan.Zero) return expected;
        r.Error(path, $"the expected duration must be positive, got {ValueParsers.Format(e)}");
        return null;
    }

    /// <summary>Attempts count the first one: fewer than one would never run the task.</summary>
    public static bool MaxAttempts(IErrorSink r, KeyPath path, int attempts)
    {
        if (attempts >= 1) return true;
        r.Error(path, $"must be at least 1, got {attempts}");
        return false;
    }

    /// <summary>A task takes at least one slot: zero would let a node run any number at once.</summary>
    public static bool Cpus(IErrorSink r, KeyPath path, int cpus)
    {
        if (cpus >= 1) return true;
        r.Error(path, $"must be at least 1 (the slots each task takes on a node), got {cpus}");
        return false;
    }

    /// <summary>A job stopped before any task failed would never run: at least one failure is allowed to stop it.</summary>
    public static bool MaxFails(IErrorSink r, KeyPath path, int maxFails)
    {
        if (maxFails >= 1) return true;
        r.Error(path, $"must be at least 1 (the number of failed tasks that stops the job; leave max-fails out to never stop), got {maxFails}");
        return false;
    }

    public static bool RetryExitCode(IErrorSink r, KeyPath path, int code)
    {
        if (code != 0) return true;
        r.Error(path, "exit code 0 means success and is never retried; remove it");
        return false;
    }

    /// <summary>A backoff, or null when it is negative (reported).</summary>
    public static TimeSpan? NonNegative(IErrorSink r, KeyPath path, TimeSpan? value)
    {
        if (value is not { } v || v >= TimeSpan.Zero) return value;
        r.Error(path, $"must not be negative, got {ValueParsers.Format(v)}");
        return null;
    }

    public static void BackoffOrder(IErrorSink r, KeyPath maxBackoffPath, TimeSpan maxBackoff, TimeSpan backoff)
    {
        if (maxBackoff < backoff)
            r.Error(maxBackoffPath, $"max-backoff ({ValueParsers.Format(maxBackoff)}) is shorter than backoff ({ValueParsers.Format(backoff)})");
    }

    public static bool OutputDirectory(IErrorSink r, KeyPath directoryPath, string directory)
    {
        if (directory.Length > 0) return true;
        r.Error(directoryPath, "must not be empty");
        return false;
    }

    /// <summary>What every template of a job may use: the sweep's axes, then the built-ins.</summary>
    public static List<string> DefinedPlaceholders(IEnumerable<string> axisNames) =>
        axisNames.Concat(Placeholders.BuiltInNames).Distinct().ToList();

    /// <summary>
    /// Checks every template of the job against the placeholders it may use. Returns whether the
    /// working directory (when given) is a usable template.
    /// </summary>
    public static bool Templates(IErrorSink r, KeyPath jobPath, List<string> defined, string[]? argv, string? shellCommand,
        IEnumerable<KeyValuePair<string, string>> handlerArgs, IEnumerable<KeyValuePair<string, string>> environment,
        string? workdir, string? outputDirectory)
    {
        if (argv is not null)
            for (int i = 0; i < argv.Length; i++) Template(r, argv[i], jobPath.Child("command").At(i), defined);
        if (shellCommand is not null) Template(r, shellCommand, jobPath.Child("command"), defined);
        foreach (var (key, value) in handlerArgs) Template(r, value, jobPath.Child("handler-args").Child(key), defined);
        foreach (var (key, value) in environment) Template(r, value, jobPath.Child("env").Child(key), defined);
        bool workdirOk = workdir is { Length: > 0 } && Template(r, workdir, jobPath.Child("workdir"), defined);
        if (outputDirectory is not null) OutputTemplate(r, outputDirectory, jobPath.Child("output").Child("directory"), defined);
        return workdirOk;
    }

    /// <summary>Reports syntax errors and undefined placeholders; true when the template is usable.</summary>
    public static bool Template(IErrorSink r, string template, KeyPath path, List<string> defined)
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

    /// <summary>
    /// <c>output.directory</c> may use <c>${job}</c> only: the job's results file and the output of
    /// all its tasks live under one directory (<see cref="OutputLayout"/>), which a per-task value would split.
    /// </summary>
    public static void OutputTemplate(IErrorSink r, string template, KeyPath path, List<string> defined)
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

    /// <summary>Every path derived for the job must fit the file system.</summary>
    public static bool OutputPaths(IErrorSink r, KeyPath path, JobSpec spec)
    {
        if (OutputLayout.PathProblem(spec) is not { } tooLong) return true;
        r.Error(path, tooLong);
        return false;
    }
}
