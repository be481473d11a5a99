using System.Collections;
using System.Reflection;
using Akka.Actor;
using Xunit;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Structural equality for round-trip tests. Record equality is not enough: records compare
/// arrays and dictionaries by reference, so a perfect round trip would still look unequal.
/// </summary>
public static class DeepEqual
{
    public static void AssertEqual(object? expected, object? actual)
    {
        if (Difference(expected, actual, "$") is { } difference)
            Assert.Fail(difference);
    }

    private static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        if (expected.GetType() != actual.GetType())
            return $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}";

        switch (expected)
        {
            case IActorRef:
                return expected.Equals(actual) ? null : $"{path}: expected ref {expected}, got {actual}";
            case DateTimeOffset e:
                var a = (DateTimeOffset)actual;
                return e.UtcTicks == a.UtcTicks && e.Offset == a.Offset ? null : $"{path}: expected {e:O}, got {a:O}";
            case string or decimal or TimeSpan or Guid or DateTime:
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            case IDictionary e:
                return DictionaryDifference(e, (IDictionary)actual, path);
            case IEnumerable e:
                return SequenceDifference(e, (IEnumerable)actual, path);
        }

        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum)
            return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                continue;
            var difference = Difference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            if (difference is not null)
                return difference;
        }
        return null;
    }

    private static string? DictionaryDifference(IDictionary expected, IDictionary actual, string path)
    {
        if (expected.Count != actual.Count)
            return $"{path}: expected {expected.Count} entries, got {actual.Count}";
        foreach (DictionaryEntry entry in expected)
        {
            if (!actual.Contains(entry.Key))
                return $"{path}: key {Show(entry.Key)} is missing";
            var difference = Difference(entry.Value, actual[entry.Key], $"{path}[{Show(entry.Key)}]");
            if (difference is not null)
                return difference;
        }
        return null;
    }

    private static string? SequenceDifference(IEnumerable expected, IEnumerable actual, string path)
    {
        var e = expected.Cast<object?>().ToList();
        var a = actual.Cast<object?>().ToList();
        if (e.Count != a.Count)
            return $"{path}: expected {e.Count} elements, got {a.Count}";
        for (var i = 0; i < e.Count; i++)
        {
            if (Difference(e[i], a[i], $"{path}[{i}]") is { } difference)
                return difference;
        }
        return null;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
