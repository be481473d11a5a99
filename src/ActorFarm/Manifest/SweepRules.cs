namespace ActorFarm.Manifest;

/// <summary>
/// The rules of a sweep, each written once and called by both <see cref="SweepReader"/> (a
/// manifest) and <see cref="JobSpecValidator"/> (a spec built in code); see <see cref="JobRules"/>.
/// </summary>
internal static class SweepRules
{
    /// <summary>An axis name is a placeholder: it must not shadow a built-in and must be a plain word.</summary>
    public static bool AxisName(IErrorSink r, string name, KeyPath axisPath)
    {
        if (Placeholders.IsBuiltIn(name))
        {
            r.Error(axisPath, $"the axis name '{name}' collides with the built-in placeholder ${{{name}}}; rename the axis (built-ins: {string.Join(", ", Placeholders.BuiltInNames)})");
            return false;
        }
        if (!JobRules.SafeName().IsMatch(name))
        {
            r.Error(axisPath, $"invalid axis name '{name}': use only letters, digits, '_', '.' and '-'");
            return false;
        }
        return true;
    }

    /// <summary>
    /// A list axis: at least one value, each a scalar. <paramref name="textAt"/> gives a value's
    /// text, or null when it is none; <paramref name="describeAt"/> then says what it is.
    /// </summary>
    public static bool ListValues(IErrorSink r, KeyPath axisPath, int count, Func<int, string?> textAt, Func<int, string> describeAt)
    {
        if (count == 0)
        {
            r.Error(axisPath, "the list is empty; an axis needs at least one value (remove the axis to run without it)");
            return false;
        }
        bool ok = true;
        for (int i = 0; i < count; i++)
        {
            if (textAt(i) is not null) continue;
            r.Error(axisPath.At(i), $"list values must be strings, numbers or booleans, got {describeAt(i)}");
            ok = false;
        }
        return ok;
    }

    /// <summary>An integer range must step and must hold at least one value.</summary>
    public static bool IntRange(IErrorSink r, KeyPath axisPath, long from, long to, long step)
    {
        if (step == 0)
        {
            r.Error(axisPath.Child("step"), "step must not be 0");
            return false;
        }
        if (Sweeps.IntRangeLength(from, to, step) > 0) return true;
        r.Error(axisPath, step > 0
            ? $"empty range: from {from} to {to} with step {step} has no values (from must not exceed to; count down with a negative step)"
            : $"empty range: from {from} to {to} with the negative step {step} has no values (a negative step needs from > to)");
        return false;
    }

    /// <summary>A float range must step and must hold at least one value; the texts show the numbers as written.</summary>
    public static bool FloatRange(IErrorSink r, KeyPath axisPath, double from, double to, double step, string fromText, string toText, string stepText)
    {
        if (step == 0)
        {
            r.Error(axisPath.Child("step"), "step must not be 0");
            return false;
        }
        if (Sweeps.FloatRangeLength(from, to, step) > 0) return true;
        r.Error(axisPath, $"empty range: from {fromText} to {toText} with step {stepText} has no values" +
            (step > 0 ? " (from must not exceed to)" : " (a negative step needs from > to)"));
        return false;
    }

    /// <summary>
    /// A file-lines axis: a regular, readable UTF-8 file with at least one non-blank line, no
    /// line longer than the limit, no more lines than the task limit. <paramref name="file"/> is
    /// the name as given, <paramref name="fullPath"/> the absolute path. Returns the number of
    /// non-blank lines, or null (reported).
    /// </summary>
    public static long? FileLines(IErrorSink r, KeyPath filePath, string file, Func<string> fullPath, ManifestOptions options)
    {
        if (file.Length == 0)
        {
            r.Error(filePath, "the file name is empty");
            return null;
        }
        // Reported where every value is checked for text (JobRules.TextProblem); no file has such a name.
        if (file.Contains('\0')) return null;
        var full = fullPath();
        var (kind, _) = InputFiles.Inspect(full);
        if (kind != InputFiles.EntryKind.RegularFile)
        {
            r.Error(filePath, kind == InputFiles.EntryKind.Directory ? $"'{full}' is a directory, not a file" : InputFiles.NotARegularFile(full, kind)!);
            return null;
        }
        FileLinesIndex lines;
        try
        {
            // One streaming pass: the lines are counted and checked, never held.
            lines = FileLinesCache.Reload(full, Math.Clamp(options.MaxSweepLineBytes, 1, FileLinesIndex.MaxLineBytesCeiling), options.MaxTasksPerJob);
        }
        catch (FileLinesException e)
        {
            r.Error(filePath, e.Message);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            r.Error(filePath, $"cannot read {full}: {e.Message}");
            return null;
        }
        if (lines.LineCount == 0)
        {
            r.Error(filePath, $"the file {full} has no non-blank lines, so the axis would be empty");
            return null;
        }
        return lines.LineCount;
    }

    /// <summary>The sweep as a whole (its axes being valid): zip needs equal lengths, and the task count has a limit.</summary>
    public static bool Combined(IErrorSink r, KeyPath sweepPath, SweepSpec spec, ManifestOptions options)
    {
        if (spec.Mode == SweepMode.Zip)
        {
            var lengths = spec.Axes.Select(a => (a.Name, Length: Sweeps.AxisLength(a))).ToList();
            if (lengths.Select(l => l.Length).Distinct().Count() > 1)
            {
                r.Error(sweepPath, "sweep-mode = zip needs axes of equal length, got " +
                    string.Join(", ", lengths.Select(l => $"{l.Name} = {ValueParsers.Format(l.Length)}")));
                return false;
            }
        }

        long count = Sweeps.Count(spec);
        if (count <= options.MaxTasksPerJob) return true;
        var size = count == long.MaxValue ? "more than 9,223,372,036,854,775,806" : ValueParsers.Format(count);
        r.Error(sweepPath, $"the sweep has {size} tasks, more than the limit of {ValueParsers.Format(options.MaxTasksPerJob)} tasks per job (ManifestOptions.MaxTasksPerJob); split the job or shrink the sweep");
        return false;
    }
}
