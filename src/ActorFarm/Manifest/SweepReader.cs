using System.Text.RegularExpressions;

namespace ActorFarm.Manifest;

/// <summary>Reads and validates a job's <c>sweep</c> and <c>sweep-mode</c>.</summary>
internal static partial class SweepReader
{
    private static readonly string[] RangeKeys = ["from", "to", "step"];

    private static readonly string[] AxisObjectKeys = ["from", "to", "step", "file"];

    private static readonly Dictionary<string, SweepMode> Modes = new()
    {
        ["product"] = SweepMode.Product,
        ["zip"] = SweepMode.Zip,
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex AxisName();

    /// <summary>The sweep (with only the valid axes when some are not).</summary>
    public static SweepSpec Read(ManifestReader r, HoconNode? sweepNode, HoconNode? modeNode, KeyPath jobPath)
    {
        var mode = r.ReadChoice(modeNode, jobPath.Child("sweep-mode"), Modes, "sweep-mode") ?? SweepMode.Product;
        var path = jobPath.Child("sweep");
        if (sweepNode is null || sweepNode.Kind == HoconKind.Null) return SweepSpec.Single with { Mode = mode };
        if (!r.ExpectObject(sweepNode, path, "an object of axes such as sweep { x = [1, 2, 3] }"))
            return SweepSpec.Single with { Mode = mode };

        int errorsBefore = r.Errors.Count;
        var axes = new List<SweepAxis>();
        foreach (var (name, node) in sweepNode.Fields!)
        {
            var axisPath = path.Child(name);
            if (Placeholders.IsBuiltIn(name))
            {
                r.Error(axisPath, $"the axis name '{name}' collides with the built-in placeholder ${{{name}}}; rename the axis (built-ins: {string.Join(", ", Placeholders.BuiltInNames)})");
                continue;
            }
            if (!AxisName().IsMatch(name))
            {
                r.Error(axisPath, $"invalid axis name '{name}': use only letters, digits, '_', '.' and '-'");
                continue;
            }
            if (ReadAxis(r, name, node, axisPath) is { } axis) axes.Add(axis);
        }

        var spec = new SweepSpec { Axes = axes.ToArray(), Mode = mode };
        if (r.Errors.Count > errorsBefore || axes.Count == 0) return spec;

        if (mode == SweepMode.Zip)
        {
            var lengths = axes.Select(a => (a.Name, Length: Sweeps.AxisLength(a))).ToList();
            if (lengths.Select(l => l.Length).Distinct().Count() > 1)
            {
                r.Error(path, "sweep-mode = zip needs axes of equal length, got " +
                    string.Join(", ", lengths.Select(l => $"{l.Name} = {ValueParsers.Format(l.Length)}")));
                return spec;
            }
        }

        long count = Sweeps.Count(spec);
        if (count > r.Options.MaxTasksPerJob)
        {
            var size = count == long.MaxValue ? "more than 9,223,372,036,854,775,806" : ValueParsers.Format(count);
            r.Error(path, $"the sweep has {size} tasks, more than the limit of {ValueParsers.Format(r.Options.MaxTasksPerJob)} tasks per job (ManifestOptions.MaxTasksPerJob); split the job or shrink the sweep");
        }
        return spec;
    }

    private static SweepAxis? ReadAxis(ManifestReader r, string name, HoconNode node, KeyPath path)
    {
        switch (node.Kind)
        {
            case HoconKind.Array:
            {
                var items = node.Items!;
                if (items.Count == 0)
                {
                    r.Error(path, "the list is empty; an axis needs at least one value (remove the axis to run without it)");
                    return null;
                }
                var values = new string[items.Count];
                bool ok = true;
                for (int i = 0; i < items.Count; i++)
                {
                    switch (items[i].Kind)
                    {
                        case HoconKind.String: values[i] = items[i].Text!; break;
                        case HoconKind.Null: values[i] = "null"; break;
                        default:
                            r.Error(path.At(i), $"list values must be strings, numbers or booleans, got {ManifestReader.Describe(items[i])}");
                            ok = false;
                            break;
                    }
                }
                return ok ? new ListAxis { Name = name, Values = values } : null;
            }
            case HoconKind.Object:
                r.CheckKeys(node, path, AxisObjectKeys);
                if (node.Get("file") is not null)
                {
                    foreach (var key in RangeKeys)
                        if (node.Get(key) is not null) r.Error(path.Child(key), $"a file axis takes only 'file', not '{key}'");
                    return ReadFileAxis(r, name, node.Get("file")!, path.Child("file"));
                }
                return ReadRange(r, name, node, path);
            default:
                r.Error(path, $"expected a list such as [1, 2, 3], a range such as {{ from = 1, to = 10 }} or a file such as {{ file = \"inputs.txt\" }}, got {ManifestReader.Describe(node)}");
                return null;
        }
    }

    private static SweepAxis? ReadFileAxis(ManifestReader r, string name, HoconNode node, KeyPath path)
    {
        var file = r.ReadString(node, path, "a file name");
        if (file is null)
        {
            if (node.Kind == HoconKind.Null) r.Error(path, "expected a file name, got null");
            return null;
        }
        if (file.Length == 0)
        {
            r.Error(path, "the file name is empty");
            return null;
        }
        var full = r.ResolvePath(file);
        var (kind, _) = InputFiles.Inspect(full);
        if (kind != InputFiles.EntryKind.RegularFile)
        {
            r.Error(path, kind == InputFiles.EntryKind.Directory ? $"'{full}' is a directory, not a file" : InputFiles.NotARegularFile(full, kind)!);
            return null;
        }
        FileLinesIndex lines;
        try
        {
            // One streaming pass: the lines are counted and checked, never held.
            lines = FileLinesCache.Reload(full, Math.Clamp(r.Options.MaxSweepLineBytes, 1, FileLinesIndex.MaxLineBytesCeiling), r.Options.MaxTasksPerJob);
        }
        catch (FileLinesException e)
        {
            r.Error(path, e.Message);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            r.Error(path, $"cannot read {full}: {e.Message}");
            return null;
        }
        if (lines.LineCount == 0)
        {
            r.Error(path, $"the file {full} has no non-blank lines, so the axis would be empty");
            return null;
        }
        return new FileLinesAxis { Name = name, Path = full, LineCount = lines.LineCount };
    }

    private static SweepAxis? ReadRange(ManifestReader r, string name, HoconNode node, KeyPath path)
    {
        var from = ReadNumber(r, node.Get("from"), path, "from");
        var to = ReadNumber(r, node.Get("to"), path, "to");
        var stepNode = node.Get("step");
        var step = stepNode is null or { Kind: HoconKind.Null } ? null : ReadNumber(r, stepNode, path, "step");
        if (from is null || to is null || (stepNode is { Kind: not HoconKind.Null } && step is null)) return null;

        if (from.Value.IsInteger && to.Value.IsInteger && (step is null || step.Value.IsInteger))
        {
            long s = step?.Integer ?? 1;
            long f = from.Value.Integer, t = to.Value.Integer;
            if (s == 0)
            {
                r.Error(path.Child("step"), "step must not be 0");
                return null;
            }
            if (Sweeps.IntRangeLength(f, t, s) == 0)
            {
                r.Error(path, s > 0
                    ? $"empty range: from {f} to {t} with step {s} has no values (from must not exceed to; count down with a negative step)"
                    : $"empty range: from {f} to {t} with the negative step {s} has no values (a negative step needs from > to)");
                return null;
            }
            return new IntRangeAxis { Name = name, From = f, To = t, Step = s };
        }

        if (step is null)
        {
            r.Error(path, "a range with a non-integer from or to needs a step, e.g. { from = 0.0, to = 1.0, step = 0.25 }");
            return null;
        }
        double fd = from.Value.Double, td = to.Value.Double, sd = step.Value.Double;
        if (sd == 0)
        {
            r.Error(path.Child("step"), "step must not be 0");
            return null;
        }
        if (Sweeps.FloatRangeLength(fd, td, sd) == 0)
        {
            r.Error(path, $"empty range: from {from.Value.Text} to {to.Value.Text} with step {step.Value.Text} has no values" +
                (sd > 0 ? " (from must not exceed to)" : " (a negative step needs from > to)"));
            return null;
        }
        return new FloatRangeAxis { Name = name, From = fd, To = td, Step = sd };
    }

    private readonly record struct Number(string Text, bool IsInteger, long Integer, double Double);

    private static Number? ReadNumber(ManifestReader r, HoconNode? node, KeyPath rangePath, string key)
    {
        var path = rangePath.Child(key);
        if (node is null)
        {
            r.Error(rangePath, $"the range has no '{key}'; write {{ from = 1, to = 10 }} (step is optional for integers)");
            return null;
        }
        var text = r.ReadString(node, path, "a number");
        if (text is null)
        {
            if (node.Kind == HoconKind.Null) r.Error(path, "expected a number, got null");
            return null;
        }
        if (ValueParsers.TryParseLong(text, out var l)) return new Number(text, true, l, l);
        if (ValueParsers.TryParseDouble(text, out var d)) return new Number(text, false, 0, d);
        r.Error(path, $"expected a number, got \"{text}\"");
        return null;
    }
}
