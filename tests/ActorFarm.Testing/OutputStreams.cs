using System.Text.Json;

namespace ActorFarm.Testing;

/// <summary>Checks on what a real <c>actorfarm</c> process printed, stream by stream.</summary>
public static class OutputStreams
{
    /// <summary>Every line of <paramref name="stdout"/> is one JSON object (and there is at least one); returns them.</summary>
    public static List<JsonElement> AssertJsonLines(string stdout, string context)
    {
        var lines = stdout.Split('\n');
        Assert.True(stdout.Length > 0, $"nothing on stdout\n{context}");
        var documents = new List<JsonElement>();
        foreach (var line in lines)
        {
            try
            {
                var element = JsonDocument.Parse(line).RootElement;
                Assert.True(element.ValueKind == JsonValueKind.Object, $"stdout line is JSON but not an object: {line}\n{context}");
                documents.Add(element.Clone());
            }
            catch (JsonException)
            {
                Assert.Fail($"stdout line is not JSON: {line}\n--- context ---\n{context}");
            }
        }
        return documents;
    }

    /// <summary>Log lines in Akka's layout (<c>[LEVEL][time]…</c>) found in <paramref name="text"/>.</summary>
    public static IEnumerable<string> LogLines(string text, string level) =>
        text.Split('\n').Where(l => l.StartsWith($"[{level}][", StringComparison.Ordinal));

    /// <summary>Lines that are frames of a .NET stack trace.</summary>
    public static IEnumerable<string> StackFrames(string text) =>
        text.Split('\n').Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.StartsWith(' '));

    /// <summary>The non-empty lines of <paramref name="text"/>.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
