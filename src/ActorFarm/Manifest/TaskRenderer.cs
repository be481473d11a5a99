using System.Collections;
using System.Globalization;

namespace ActorFarm.Manifest;

/// <summary>
/// One task made concrete: templates expanded with the sweep values of its index and the
/// built-in placeholders. <see cref="Parameters"/> holds only the sweep values.
/// </summary>
internal sealed record RenderedTask(
    long Index,
    Dictionary<string, string> Parameters,
    string[]? Argv,
    string? ShellCommand,
    Dictionary<string, string> Environment,
    string? WorkingDirectory,
    Dictionary<string, string> HandlerArgs);

/// <summary>Turns (job, index) into a <see cref="RenderedTask"/>. Runs once per task, so it only
/// allocates the task's own strings and dictionaries.</summary>
internal static class TaskRenderer
{
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the job's sweep.</exception>
    /// <exception cref="KeyNotFoundException">A template names an undefined placeholder (validation prevents this).</exception>
    public static RenderedTask Render(JobSpec job, long index, int attempt, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(nodeName);

        var parameters = new Dictionary<string, string>(job.Sweep.Axes.Length, StringComparer.Ordinal);
        Sweeps.ParametersAt(job.Sweep, index, parameters);
        var scope = new Scope(parameters, index, job.Name, attempt, nodeName);

        var cmd = job.Command;
        string[]? argv = null;
        if (cmd.Argv is { } templates)
        {
            argv = new string[templates.Length];
            for (int i = 0; i < templates.Length; i++) argv[i] = Placeholders.Expand(templates[i], scope);
        }
        string? shell = cmd.ShellCommand is null ? null : Placeholders.Expand(cmd.ShellCommand, scope);

        string? baseDir = job.SourceFile is null ? null : Path.GetDirectoryName(job.SourceFile);
        string? workdir = job.WorkingDirectory is null ? null : Rooted(Placeholders.Expand(job.WorkingDirectory, scope), baseDir);

        var environment = ExpandAll(job.Environment, scope);
        ResourceEnvironment.Apply(job, environment);
        return new RenderedTask(
            index,
            parameters,
            argv,
            shell,
            environment,
            workdir,
            ExpandAll(cmd.HandlerArgs, scope));
    }

    private static Dictionary<string, string> ExpandAll(Dictionary<string, string>? templates, Scope scope)
    {
        var result = new Dictionary<string, string>(templates?.Count ?? 0, StringComparer.Ordinal);
        if (templates is null) return result;
        foreach (var (key, template) in templates) result[key] = Placeholders.Expand(template, scope);
        return result;
    }

    /// <summary>A directory template that began with a placeholder is relative to the manifest's directory unless its value is absolute.</summary>
    private static string Rooted(string path, string? baseDir) =>
        baseDir is null || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));

    /// <summary>Sweep values plus the built-ins, without copying the sweep values.</summary>
    private sealed class Scope : IReadOnlyDictionary<string, string>, IPlaceholderSource
    {
        private readonly Dictionary<string, string> _parameters;
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly long _index;
        private readonly string _job;
        private readonly int _attempt;
        private readonly string _node;
        private string? _indexText;
        private string? _attemptText;

        public Scope(Dictionary<string, string> parameters, long index, string job, int attempt, string node)
        {
            _parameters = parameters;
            _lookup = parameters.GetAlternateLookup<ReadOnlySpan<char>>();
            _index = index;
            _job = job;
            _attempt = attempt;
            _node = node;
        }

        public bool TryGet(ReadOnlySpan<char> name, out string? value)
        {
            if (name.SequenceEqual(Placeholders.Index)) { value = _indexText ??= _index.ToString(CultureInfo.InvariantCulture); return true; }
            if (name.SequenceEqual(Placeholders.Job)) { value = _job; return true; }
            if (name.SequenceEqual(Placeholders.Attempt)) { value = _attemptText ??= _attempt.ToString(CultureInfo.InvariantCulture); return true; }
            if (name.SequenceEqual(Placeholders.Node)) { value = _node; return true; }
            if (_lookup.TryGetValue(name, out var v)) { value = v; return true; }
            value = null;
            return false;
        }

        public bool TryGetValue(string key, out string value)
        {
            bool found = TryGet(key.AsSpan(), out var v);
            value = v ?? "";
            return found;
        }

        public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"undefined placeholder ${{{key}}}");

        public bool ContainsKey(string key) => TryGet(key.AsSpan(), out _);

        public IEnumerable<string> Keys => Placeholders.BuiltInNames.Concat(_parameters.Keys);

        public IEnumerable<string> Values => Keys.Select(k => this[k]);

        public int Count => Placeholders.BuiltInNames.Count + _parameters.Count;

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            Keys.Select(k => new KeyValuePair<string, string>(k, this[k])).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
