using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorFarm.Manifest;

/// <summary>
/// Loads a HOCON manifest into validated <see cref="JobSpec"/>s. Every problem found is
/// reported at once in a <see cref="ManifestException"/>: unreadable files and HOCON syntax
/// errors included.
/// </summary>
public static partial class ManifestLoader
{
    private static readonly string[] TopLevelKeys = ["jobs"];

    /// <summary>Loads a manifest file; relative paths inside resolve against its directory.</summary>
    /// <exception cref="ManifestException">The file is missing, unreadable or invalid.</exception>
    public static Manifest LoadFile(string path, ManifestOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ManifestOptions.Default;
        string full = Path.GetFullPath(path);
        var (kind, _) = InputFiles.Inspect(full);
        if (kind == InputFiles.EntryKind.Directory)
            throw new ManifestException(new ManifestError(path, "", null, $"{full} is a directory, not a manifest file"));
        if (kind == InputFiles.EntryKind.Missing)
            throw new ManifestException(new ManifestError(path, "", null, $"manifest file not found: {full}"));
        byte[] bytes;
        try
        {
            bytes = InputFiles.ReadBounded(full, options.MaxManifestBytes);
        }
        catch (InputFileException e)
        {
            var why = kind == InputFiles.EntryKind.RegularFile ? " (ManifestOptions.MaxManifestBytes); split the jobs over several manifests" : "";
            throw new ManifestException(new ManifestError(path, "", null, $"cannot read the manifest: {e.Message}{why}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(new ManifestError(path, "", null, $"cannot read the manifest: {e.Message}"));
        }
        if (ManifestText.Decode(bytes, out var encodingError) is not { } text)
            throw new ManifestException(new ManifestError(path, "", encodingError!.Value.Line, encodingError.Value.Message));
        return Load(text, path, full, Path.GetDirectoryName(full)!, options);
    }

    /// <summary>Loads manifest text. <paramref name="sourceFile"/> names it in messages (and becomes
    /// <see cref="JobSpec.SourceFile"/>, made absolute against <paramref name="baseDirectory"/>);
    /// relative paths inside resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="ManifestException">The text is invalid.</exception>
    public static Manifest LoadText(string text, string sourceFile, string baseDirectory, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(sourceFile);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        string baseDir = Path.GetFullPath(baseDirectory);
        string full = Path.IsPathRooted(sourceFile) ? sourceFile : Path.GetFullPath(Path.Combine(baseDir, sourceFile));
        return Load(text, sourceFile, full, baseDir, options ?? ManifestOptions.Default);
    }

    private static Manifest Load(string text, string displayName, string sourceFile, string baseDirectory, ManifestOptions options)
    {
        if (text.Length > options.MaxManifestBytes)
            throw new ManifestException(new ManifestError(displayName, "", null,
                $"the manifest holds {ValueParsers.Format(text.Length)} characters, more than the limit of {ValueParsers.Format(options.MaxManifestBytes)} bytes (ManifestOptions.MaxManifestBytes); split the jobs over several manifests"));
        if (text.IndexOf('\0') is var nul and >= 0)
            throw new ManifestException(new ManifestError(displayName, "", 1 + text.AsSpan(0, nul).Count('\n'),
                "the manifest holds a NUL character; a manifest is text, and no argument, variable or path can hold NUL"));

        var locator = new HoconLineLocator(text);
        if (locator.Problems.Count > 0)
        {
            // An unterminated string swallows the rest of its line, so the brackets after it
            // look unbalanced: report the strings alone, they are the cause.
            // Text cut short at too deep a nesting is reported for that alone.
            var problems = locator.Problems.Where(p => p.Message.StartsWith("unterminated", StringComparison.Ordinal)
                || p.Message.StartsWith("the manifest nests deeper", StringComparison.Ordinal)).ToList();
            if (problems.Count == 0) problems = locator.Problems.ToList();
            throw new ManifestException(problems
                .Select(p => new ManifestError(displayName, "", p.Line,
                    p.Message.StartsWith("the manifest nests deeper", StringComparison.Ordinal) ? p.Message : "HOCON syntax error: " + p.Message))
                .ToList());
        }

        // Akka's parser never returns from ${?x} inside a list (it allocates until memory runs out),
        // and elsewhere resolves an undefined one to the whole document: refuse them all up front.
        if (locator.OptionalSubstitutions.Count > 0)
            throw new ManifestException(locator.OptionalSubstitutions
                .Select(o => new ManifestError(displayName, KeyPath.Of(o.KeyPath).ToString(), o.Line,
                    $"optional substitution {o.Text} is not supported in manifests (environment variables are not read, and Akka's HOCON parser cannot resolve it); " +
                    "write the value itself, or ${name} for a key of this file, or put a sweep placeholder inside a quoted string"))
                .ToList());

        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(WithoutCommasAfterObjects(text, locator.CommasAfterObjects));
        }
        catch (Exception e)
        {
            throw new ManifestException(ParseError(e, text, displayName));
        }

        var r = new ManifestReader(displayName, baseDirectory, options, locator);
        var root = HoconNode.FromAkka(config.Root);
        // A NUL written as an escape ("\u0000") survives the parser; no argv, variable or path can hold it.
        r.ReportNulCharacters(root, KeyPath.Root);
        var jobs = new List<JobSpec>();
        if (root.Kind != HoconKind.Object)
        {
            r.Error(KeyPath.Root, "expected an object with jobs { ... } at the top level");
        }
        else
        {
            r.CheckKeys(root, KeyPath.Root, TopLevelKeys);
            var jobsPath = KeyPath.Root.Child("jobs");
            var jobsNode = root.Get("jobs");
            if (jobsNode is null || jobsNode.Kind == HoconKind.Null)
                r.Error(jobsPath, "no jobs defined: add jobs { <name> { command = [\"program\", \"arg\"] } }");
            else if (r.ExpectObject(jobsNode, jobsPath, "an object of jobs such as jobs { work { command = [...] } }"))
            {
                if (jobsNode.Fields!.Count == 0)
                    r.Error(jobsPath, "no jobs defined: jobs { } is empty");
                foreach (var (name, node) in jobsNode.Fields)
                    if (JobSpecReader.Read(r, name, node, jobsPath.Child(name), sourceFile) is { } job) jobs.Add(job);
            }
        }

        // In file order (errors without a line last); OrderBy is stable, so one line keeps discovery order.
        if (r.Errors.Count > 0) throw new ManifestException(r.Errors.OrderBy(e => e.Line ?? int.MaxValue).ToList());
        return new Manifest(sourceFile, jobs.ToArray());
    }

    [GeneratedRegex(@"Unresolved substitution:\s*(\S+)")]
    private static partial Regex UnresolvedSubstitution();

    [GeneratedRegex(@"position (\d+)")]
    private static partial Regex AtPosition();

    [GeneratedRegex(@"line (\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex AtLine();

    [GeneratedRegex(@"^[ \t]*include\b", RegexOptions.Multiline)]
    private static partial Regex IncludeLine();

    [GeneratedRegex(@"Unknown escape code:\s*(\S)")]
    private static partial Regex UnknownEscape();

    /// <summary>Turns an exception of Akka's HOCON parser into an error with a line where one can be found.</summary>
    private static ManifestError ParseError(Exception e, string text, string file)
    {
        string message = e.Message.Split('\n')[0].Trim().TrimEnd(':');
        int? line = null;
        if (IncludeLine().Match(text) is { Success: true } include)
        {
            line = 1 + text.AsSpan(0, include.Index).Count('\n');
            message = "include is not supported in manifests; put the jobs in one file";
        }
        else if (UnresolvedSubstitution().Match(message) is { Success: true } sub)
        {
            var name = sub.Groups[1].Value;
            line = LineOfText(text, "${" + name + "}") ?? LineOfText(text, "${?" + name + "}");
            message = $"undefined HOCON substitution ${{{name}}}: an unquoted ${{...}} is resolved by HOCON while the file is read. " +
                $"To use a sweep placeholder, put it inside a quoted string, e.g. \"--x=${{{name}}}\"";
        }
        else if (UnknownEscape().Match(message) is { Success: true } esc)
        {
            line = LineOfText(text, "\\" + esc.Groups[1].Value);
            message = $"invalid escape \\{esc.Groups[1].Value} in a quoted string (write \\\\ for a backslash)";
        }
        else if (AtLine().Match(message) is { Success: true } l)
        {
            line = int.Parse(l.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (AtPosition().Match(message) is { Success: true } p
                 && int.TryParse(p.Groups[1].Value, out var pos) && pos >= 0 && pos <= text.Length)
        {
            line = 1 + text.AsSpan(0, pos).Count('\n');
            message = $"{message} (column {pos - (text.LastIndexOf('\n', Math.Max(0, pos - 1)) + 1) + 1})";
        }
        else if (e is not (FormatException or ConfigurationException))
        {
            message = $"the HOCON parser failed ({e.GetType().Name}: {message})";
        }
        return new ManifestError(file, "", line, "HOCON syntax error: " + message);
    }

    /// <summary>
    /// The text with each comma after an object value made a space: Akka's parser refuses
    /// <c>a { x = 1 }, b = 2</c> (valid HOCON) but reads <c>a { x = 1 }  b = 2</c> the same way
    /// HOCON reads the original. A space keeps every offset and line, so errors still point at the user's text.
    /// </summary>
    private static string WithoutCommasAfterObjects(string text, IReadOnlyList<int> commas)
    {
        if (commas.Count == 0) return text;
        var chars = text.ToCharArray();
        foreach (var at in commas) chars[at] = ' ';
        return new string(chars);
    }

    private static int? LineOfText(string text, string needle)
    {
        int at = text.IndexOf(needle, StringComparison.Ordinal);
        return at < 0 ? null : 1 + text.AsSpan(0, at).Count('\n');
    }
}
