using ActorFarm.Results.Files;
using System.Runtime.CompilerServices;
using System.Text;

namespace ActorFarm.Manifest;

/// <summary>
/// Where a job's files go, decided here and nowhere else: the node that captures task output,
/// the results file written as the job runs, <c>actorfarm results</c> and the rows that point at
/// each task's output all ask this class, so they cannot disagree.
/// <code>
/// &lt;output.directory, ${job} expanded&gt;/&lt;job&gt;/
///     results.jsonl, results.csv       (and their .partial files while written)
///     tasks/&lt;index&gt;.out, .err        capture = files
///     output.&lt;node&gt;.log               capture = combined, one log per node
/// </code>
/// <c>output.directory</c> may hold <c>${job}</c> and no other placeholder: the results file is
/// one per job, so a directory that changes from task to task (<c>${index}</c>, an axis,
/// <c>${node}</c>) would put the task outputs where the results do not point. The loader refuses
/// those; a spec built in code that holds one anyway keeps it as literal text, for results and
/// task output alike.
/// </summary>
internal static class OutputLayout
{
    public const string ResultsJsonlFile = "results.jsonl";
    public const string ResultsCsvFile = "results.csv";
    public const string TasksDirectory = "tasks";
    public const string CombinedLogPrefix = "output.";
    public const string CombinedLogExtension = ".log";

    /// <summary>Longest node part of a combined log's name (<see cref="NodeFileName"/>).</summary>
    public const int MaxNodeFileNameLength = 80;

    /// <summary>The only placeholder <c>output.directory</c> may hold.</summary>
    public static IReadOnlyList<string> AllowedPlaceholders { get; } = [Placeholders.Job];

    /// <summary>Longest path Linux accepts (PATH_MAX less its NUL).</summary>
    public const int MaxPathBytes = 4095;

    /// <summary>Longest file or directory name Linux file systems accept (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    // The longest names derived inside a job directory: "results.jsonl.<incarnation>.partial"
    // (an int incarnation), "tasks/<index>.out" (a long index) and "output.<node>.log".
    private static readonly int LongestDerivedSuffix = Math.Max(Math.Max(
        ("/" + ResultsJsonlFile + "." + int.MaxValue + ".partial").Length,
        ("/" + TasksDirectory + "/" + long.MaxValue + ".out").Length),
        ("/" + CombinedLogPrefix + CombinedLogExtension).Length + MaxNodeFileNameLength);

    private static readonly ConditionalWeakTable<JobSpec, string> JobDirectories = new();

    /// <summary><c>output.directory</c> with <c>${job}</c> expanded, absolute (a relative one
    /// resolves against the manifest's directory).</summary>
    public static string BaseDirectory(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string expanded = ExpandJob(spec.Output.Directory, spec.Name);
        string? manifestDirectory = spec.SourceFile is { } source ? Path.GetDirectoryName(source) : null;
        return Path.GetFullPath(manifestDirectory is null ? expanded : Path.Combine(manifestDirectory, expanded));
    }

    /// <summary><c>&lt;base&gt;/&lt;job&gt;</c>: everything of the job is under it.</summary>
    public static string JobDirectory(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return JobDirectories.GetValue(spec, static s => Path.Combine(BaseDirectory(s), s.Name));
    }

    /// <summary>The job's results file of the given format.</summary>
    public static string ResultsFile(JobSpec spec, bool csv = false) =>
        Path.Combine(JobDirectory(spec), csv ? ResultsCsvFile : ResultsJsonlFile);

    /// <summary>The folder of per-task output files.</summary>
    public static string TaskFilesDirectory(string jobDirectory) => Path.Combine(jobDirectory, TasksDirectory);

    /// <summary>A task's stdout file (<c>tasks/&lt;index&gt;.out</c>).</summary>
    public static string TaskStdout(string jobDirectory, long index) => TaskFile(jobDirectory, index, ".out");

    /// <summary>A task's stderr file (<c>tasks/&lt;index&gt;.err</c>).</summary>
    public static string TaskStderr(string jobDirectory, long index) => TaskFile(jobDirectory, index, ".err");

    /// <summary>
    /// The combined log of the tasks one node ran (<c>output.&lt;node&gt;.log</c>). One file per
    /// node, never one per job: nodes of a cluster append to the shared file system at once, and
    /// appends from several machines to one file interleave (NFS does not make them atomic). A
    /// row names the log of the node that ran its task, so it points at the file holding its block.
    /// </summary>
    public static string CombinedLog(string jobDirectory, string node) =>
        Path.Combine(jobDirectory, CombinedLogPrefix + NodeFileName(node) + CombinedLogExtension);

    /// <summary>
    /// A node's name as part of a file name: letters, digits, <c>.</c>, <c>-</c> and <c>_</c> stay,
    /// every other byte of its UTF-8 becomes <c>%XX</c> (<c>host:4053</c> → <c>host%3A4053</c>), so
    /// two names never share a file and none holds a <c>/</c>. A name longer than
    /// <see cref="MaxNodeFileNameLength"/> once encoded keeps its start and a hash of the whole.
    /// </summary>
    public static string NodeFileName(string node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var encoded = new StringBuilder(node.Length);
        foreach (var b in Encoding.UTF8.GetBytes(node))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'.' or (byte)'-' or (byte)'_')
                encoded.Append((char)b);
            else
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (encoded.Length <= MaxNodeFileNameLength) return encoded.ToString();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(node)).AsSpan(0, 8));
        return encoded.ToString(0, MaxNodeFileNameLength - hash.Length - 1) + "~" + hash;
    }

    /// <summary>Why the paths derived for this job would not fit the file system, or null.</summary>
    public static string? PathProblem(JobSpec spec)
    {
        var jobDirectory = JobDirectory(spec);
        foreach (var name in jobDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            int bytes = Encoding.UTF8.GetByteCount(name);
            if (bytes > MaxNameBytes)
                return $"the output path {jobDirectory} has a component of {bytes} bytes ('{Shorten(name)}'), more than the {MaxNameBytes} a file system allows";
        }
        int longest = Encoding.UTF8.GetByteCount(jobDirectory) + LongestDerivedSuffix;
        return longest > MaxPathBytes
            ? $"the job's output paths under {Shorten(jobDirectory)} would be up to {ValueParsers.Format(longest)} bytes long, more than the {ValueParsers.Format(MaxPathBytes)} a path may have; choose a shorter output.directory"
            : null;
    }

    private static string TaskFile(string jobDirectory, long index, string extension) =>
        Path.Combine(jobDirectory, TasksDirectory, index.ToString(System.Globalization.CultureInfo.InvariantCulture) + extension);

    /// <summary>Expands <c>${job}</c> (and <c>$${</c>) when that is all the template holds; otherwise the text stays as written.</summary>
    private static string ExpandJob(string template, string jobName)
    {
        if (!template.Contains('$')) return template;
        try
        {
            if (Placeholders.NamesIn(template).Any(n => n != Placeholders.Job)) return template;
            return Placeholders.Expand(template, new Dictionary<string, string> { [Placeholders.Job] = jobName });
        }
        catch (FormatException)
        {
            return template;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..40] + "…" + text[^30..];
}
