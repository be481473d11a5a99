using System.Text;

namespace ActorFarm.Manifest;

/// <summary>
/// <c>${name}</c> substitution in command arguments, environment values, working directories,
/// output directories and handler arguments. <c>$${</c> is a literal <c>${</c>; a <c>$</c> not
/// followed by <c>{</c> is kept as is (so <c>$HOME</c> reaches a shell untouched).
/// </summary>
internal static class Placeholders
{
    /// <summary>The task index (0-based).</summary>
    public const string Index = "index";

    /// <summary>The job name.</summary>
    public const string Job = "job";

    /// <summary>The attempt number (1-based).</summary>
    public const string Attempt = "attempt";

    /// <summary>The name of the node that runs the task.</summary>
    public const string Node = "node";

    /// <summary>Names that are always defined at run time; sweep axes may not use them.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [Index, Job, Attempt, Node];

    public static bool IsBuiltIn(string name) => name is Index or Job or Attempt or Node;

    [ThreadStatic] private static StringBuilder? _builder;

    /// <summary>Replaces every <c>${name}</c> by its value and every <c>$${</c> by <c>${</c>.</summary>
    /// <exception cref="KeyNotFoundException">A placeholder has no value; the message names it.</exception>
    /// <exception cref="FormatException">A <c>${</c> is never closed or a placeholder is empty.</exception>
    public static string Expand(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        int dollar = template.IndexOf('$');
        if (dollar < 0) return template;

        var sb = _builder ?? new StringBuilder(template.Length + 32);
        _builder = null;
        sb.Clear();
        try
        {
            sb.Append(template, 0, dollar);
            int i = dollar;
            while (i < template.Length)
            {
                char c = template[i];
                if (c != '$')
                {
                    int next = template.IndexOf('$', i);
                    if (next < 0) next = template.Length;
                    sb.Append(template, i, next - i);
                    i = next;
                    continue;
                }
                if (IsEscape(template, i))
                {
                    sb.Append("${");
                    i += 3;
                }
                else if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    int close = CloseOf(template, i);
                    var name = template.AsSpan(i + 2, close - i - 2);
                    string? value;
                    bool found = values is IPlaceholderSource source
                        ? source.TryGet(name, out value)
                        : values.TryGetValue(name.ToString(), out value);
                    if (!found || value is null)
                        throw new KeyNotFoundException($"undefined placeholder ${{{name}}} in \"{template}\"");
                    sb.Append(value);
                    i = close + 1;
                }
                else
                {
                    sb.Append('$');
                    i++;
                }
            }
            return sb.ToString();
        }
        finally
        {
            if (sb.Capacity <= 4096) _builder = sb;
        }
    }

    /// <summary>The placeholder names of a template in order of appearance (repeats included).</summary>
    /// <exception cref="FormatException">A <c>${</c> is never closed or a placeholder is empty.</exception>
    public static IEnumerable<string> NamesIn(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Iterate(template);

        static IEnumerable<string> Iterate(string template)
        {
            int i = 0;
            while ((i = template.IndexOf('$', i)) >= 0)
            {
                if (IsEscape(template, i)) { i += 3; continue; }
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    int close = CloseOf(template, i);
                    yield return template.Substring(i + 2, close - i - 2);
                    i = close + 1;
                    continue;
                }
                i++;
            }
        }
    }

    /// <summary>Position of the first (unescaped) <c>${</c>, or -1.</summary>
    public static int FirstPlaceholderAt(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        int i = 0;
        while ((i = template.IndexOf('$', i)) >= 0)
        {
            if (IsEscape(template, i)) { i += 3; continue; }
            if (i + 1 < template.Length && template[i + 1] == '{') return i;
            i++;
        }
        return -1;
    }

    /// <summary>A description of the template's syntax error, or null when it is well formed.</summary>
    public static string? SyntaxError(string template)
    {
        try
        {
            foreach (var _ in NamesIn(template)) { }
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    private static bool IsEscape(string t, int i) =>
        i + 2 < t.Length && t[i + 1] == '$' && t[i + 2] == '{';

    private static int CloseOf(string t, int dollar)
    {
        int close = t.IndexOf('}', dollar + 2);
        if (close < 0)
            throw new FormatException($"unterminated placeholder at position {dollar} of \"{t}\" (write $${{ for a literal ${{)");
        if (close == dollar + 2)
            throw new FormatException($"empty placeholder ${{}} at position {dollar} of \"{t}\"");
        return close;
    }
}

/// <summary>Looks a placeholder up by span, so expansion allocates no name strings.</summary>
internal interface IPlaceholderSource
{
    bool TryGet(ReadOnlySpan<char> name, out string? value);
}
