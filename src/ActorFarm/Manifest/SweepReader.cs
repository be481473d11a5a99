namespace ActorFarm.Manifest;

/// <summary>Reads a job's <c>sweep</c> and <c>sweep-mode</c>: the HOCON forms and types here, the
/// rules in <see cref="SweepRules"/> (shared with <see cref="JobSpecValidator"/>).</summary>
internal static class SweepReader
{
    private static readonly string[] RangeKeys = ["from", "to", "step"];

    private static readonly string[] AxisObjectKeys = ["from", "to", "step", "file"];

    private static readonly Dictionary<string, SweepMode> Modes = new()
    {
        ["product"] = SweepMode.Product,
        ["zip"] = SweepMode.Zip,
    };

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
            if (!SweepRules.AxisName(r, name, axisPath)) continue;
            if (ReadAxis(r, name, node, axisPath) is { } axis) axes.Add(axis);
        }

        var spec = new SweepSpec { Axes = axes.ToArray(), Mode = mode };
        if (r.Errors.Count > errorsBefore || axes.Count == 0) return spec;

        SweepRules.Combined(r, path, spec, r.Options);
        return spec;
    }

    private static SweepAxis? ReadAxis(ManifestReader r, string name, HoconNode node, KeyPath path)
    {
        switch (node.Kind)
        {
            case HoconKind.Array:
            {
                var items = node.Items!;
                // HOCON's null is a value here: the text "null", as a number or boolean keeps its text.
                string? TextAt(int i) => items[i].Kind switch
                {
                    HoconKind.String => items[i].Text!,
                    HoconKind.Null => "null",
                    _ => null,
                };
                if (!SweepRules.ListValues(r, path, items.Count, TextAt, i => ManifestReader.Describe(items[i]))) return null;
                return new ListAxis { Name = name, Values = Enumerable.Range(0, items.Count).Select(i => TextAt(i)!).ToArray() };
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
        return SweepRules.FileLines(r, path, file, () => r.ResolvePath(file), r.Options) is { } count
            ? new FileLinesAxis { Name = name, Path = r.ResolvePath(file), LineCount = count }
            : null;
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
            if (!SweepRules.IntRange(r, path, f, t, s)) return null;
            return new IntRangeAxis { Name = name, From = f, To = t, Step = s };
        }

        if (step is null)
        {
            r.Error(path, "a range with a non-integer from or to needs a step, e.g. { from = 0.0, to = 1.0, step = 0.25 }");
            return null;
        }
        double fd = from.Value.Double, td = to.Value.Double, sd = step.Value.Double;
        if (!SweepRules.FloatRange(r, path, fd, td, sd, from.Value.Text, to.Value.Text, step.Value.Text)) return null;
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
