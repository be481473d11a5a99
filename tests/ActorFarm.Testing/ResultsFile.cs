using System.Text.Json;

namespace ActorFarm.Testing;

/// <summary>Reads a results.jsonl file the way a user's script would.</summary>
public static class ResultsFile
{
    public static List<JsonElement> Read(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public static long Index(this JsonElement row) => row.GetProperty("index").GetInt64();

    public static string Outcome(this JsonElement row) => row.GetProperty("outcome").GetString()!;

    public static int Attempts(this JsonElement row) => row.GetProperty("attempts").GetInt32();

    public static int? ExitCode(this JsonElement row) =>
        row.GetProperty("exitCode").ValueKind == JsonValueKind.Null ? null : row.GetProperty("exitCode").GetInt32();

    public static string Parameter(this JsonElement row, string name) => row.GetProperty("parameters").GetProperty(name).GetString()!;
}
