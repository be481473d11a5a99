using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorFarm.Manifest;

/// <summary>Parsers for the scalar forms of a manifest: durations, byte sizes, numbers, booleans.</summary>
internal static partial class ValueParsers
{
    [GeneratedRegex(@"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)$")]
    private static partial Regex NumberWithUnit();

    private static readonly Dictionary<string, double> DurationUnits = new(StringComparer.Ordinal)
    {
        ["ns"] = 1e-9, ["nano"] = 1e-9, ["nanos"] = 1e-9, ["nanosecond"] = 1e-9, ["nanoseconds"] = 1e-9,
        ["us"] = 1e-6, ["micro"] = 1e-6, ["micros"] = 1e-6, ["microsecond"] = 1e-6, ["microseconds"] = 1e-6,
        ["ms"] = 1e-3, ["milli"] = 1e-3, ["millis"] = 1e-3, ["millisecond"] = 1e-3, ["milliseconds"] = 1e-3,
        ["s"] = 1, ["second"] = 1, ["seconds"] = 1,
        ["m"] = 60, ["minute"] = 60, ["minutes"] = 60,
        ["h"] = 3600, ["hour"] = 3600, ["hours"] = 3600,
        ["d"] = 86400, ["day"] = 86400, ["days"] = 86400,
    };

    private static readonly Dictionary<string, long> SizeUnits = new(StringComparer.Ordinal)
    {
        [""] = 1, ["b"] = 1, ["B"] = 1, ["byte"] = 1, ["bytes"] = 1,
        ["k"] = 1L << 10, ["K"] = 1L << 10, ["kB"] = 1L << 10, ["KB"] = 1L << 10, ["Ki"] = 1L << 10, ["KiB"] = 1L << 10,
        ["m"] = 1L << 20, ["M"] = 1L << 20, ["MB"] = 1L << 20, ["Mi"] = 1L << 20, ["MiB"] = 1L << 20,
        ["g"] = 1L << 30, ["G"] = 1L << 30, ["GB"] = 1L << 30, ["Gi"] = 1L << 30, ["GiB"] = 1L << 30,
    };

    /// <summary>A HOCON duration such as <c>30s</c>, <c>1.5 h</c>, <c>500ms</c>, <c>2 minutes</c>. A unit is
    /// required: HOCON would read a bare number as milliseconds, a classic trap for a timeout.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value, out string? problem)
    {
        value = default;
        problem = null;
        var m = NumberWithUnit().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            problem = $"expected a duration such as \"30s\", got \"{text}\"";
            return false;
        }
        var unit = m.Groups[2].Value;
        if (unit.Length == 0)
        {
            problem = $"expected a duration such as \"30s\", got \"{text}\" (add a unit: ms, s, m, h or d)";
            return false;
        }
        if (!DurationUnits.TryGetValue(unit, out var seconds))
        {
            problem = $"expected a duration such as \"30s\", got \"{text}\" (unknown unit '{unit}'; use ns, us, ms, s, m, h or d)";
            return false;
        }
        double ticks = number * seconds * TimeSpan.TicksPerSecond;
        if (!double.IsFinite(ticks) || Math.Abs(ticks) >= TimeSpan.MaxValue.Ticks)
        {
            problem = $"the duration \"{text}\" is too large";
            return false;
        }
        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    /// <summary>A size such as <c>1M</c>, <c>512k</c>, <c>2 GiB</c> or plain bytes; every unit is binary (k = 1024).</summary>
    public static bool TryParseByteSize(string text, out long value, out string? problem)
    {
        value = 0;
        problem = null;
        var m = NumberWithUnit().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || !SizeUnits.TryGetValue(m.Groups[2].Value, out var unit))
        {
            problem = $"expected a size such as \"1M\", \"512k\" or a number of bytes, got \"{text}\"";
            return false;
        }
        if (number < 0)
        {
            problem = $"the size must not be negative, got \"{text}\"";
            return false;
        }
        double bytes = Math.Round(number * unit);
        if (bytes >= long.MaxValue)
        {
            problem = $"the size \"{text}\" is too large";
            return false;
        }
        value = (long)bytes;
        return true;
    }

    public static bool TryParseLong(string text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>HOCON booleans: true/false, yes/no, on/off.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim())
        {
            case "true" or "yes" or "on":
                value = true;
                return true;
            case "false" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>A duration as a manifest would write it back, e.g. 30s or 1.5s.</summary>
    public static string Format(TimeSpan t) =>
        t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    /// <summary>1,000,000 style.</summary>
    public static string Format(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
