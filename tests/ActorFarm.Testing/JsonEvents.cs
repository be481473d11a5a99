using System.Text.Json;

namespace ActorFarm.Testing;

/// <summary>
/// The JSON events in a process's output: lines <c>{"event":"name",...}</c>, as <c>actorfarm ...
/// --json</c> and the Lighthouse's <c>--json</c> print them. What tests wait on and read, never the
/// text lines meant for people.
/// </summary>
public static class JsonEvents
{
    /// <summary>The events named <paramref name="name"/> among <paramref name="lines"/>, in order; other lines are passed over.</summary>
    public static List<JsonElement> Named(IEnumerable<string> lines, string name) =>
        lines.Select(Parse).OfType<JsonElement>().Where(e => e.GetProperty("event").GetString() == name).ToList();

    /// <summary>As <see cref="Named(IEnumerable{string}, string)"/>, in a whole output.</summary>
    public static List<JsonElement> Named(string output, string name) => Named(output.Split('\n'), name);

    /// <summary>The JSON events named <paramref name="name"/> the process printed on stdout so far, in order.</summary>
    public static List<JsonElement> Events(this ChildProcess process, string name) => Named(process.Stdout, name);

    /// <summary>
    /// Waits for the JSON event <paramref name="name"/> and returns it: what a test waits on, never
    /// a line meant for people. Fails with the output if the process exits or time runs out.
    /// </summary>
    public static async Task<JsonElement> WaitForEventAsync(this ChildProcess process, string name, TimeSpan timeout)
    {
        var line = await process.WaitForLineAsync(text => Parse(text) is { } e && e.GetProperty("event").GetString() == name, timeout);
        return Parse(line.Text)!.Value;
    }

    /// <summary>A string field of an event.</summary>
    public static string Text(this JsonElement e, string field) => e.GetProperty(field).GetString()!;

    /// <summary>
    /// The JSON event in the line (an object with a string "event"), or null. Found where it starts,
    /// not only at the line's start: the farm processes of a SLURM allocation share one output file,
    /// where another process's partial line (written through tee) may run into it.
    /// </summary>
    private static JsonElement? Parse(string line)
    {
        var start = line.IndexOf("{\"event\":", StringComparison.Ordinal);
        if (start < 0) return null;
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(line[start..]));
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String
                ? root.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
