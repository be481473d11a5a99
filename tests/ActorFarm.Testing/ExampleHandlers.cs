using System.Globalization;
using System.Text.Json;

namespace ActorFarm.Testing;

/// <summary>
/// The example handler assembly (examples/embedding/Handlers: <c>monte-carlo-pi</c> on
/// MathNet.Numerics), as the test build deploys it: its whole output folder copied to
/// <c>example-handlers/</c> beside the tests (ActorFarm.IntegrationTests.csproj, CopyExamples).
/// </summary>
public static class ExampleHandlers
{
    public const string HandlerName = "monte-carlo-pi";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "example-handlers");

    public static string AssemblyPath => Path.Combine(Folder, "ActorFarm.Examples.Handlers.dll");

    /// <summary>A copy of the deployed folder in <paramref name="destination"/>; returns the copied assembly's path.</summary>
    public static string CopyTo(string destination, params string[] leaveOut)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(Folder))
            if (!leaveOut.Contains(Path.GetFileName(file)))
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        return Path.Combine(destination, Path.GetFileName(AssemblyPath));
    }

    /// <summary>A manifest of one job estimating pi once per seed 1..<paramref name="seeds"/>.</summary>
    public static string PiManifest(TempDirectory dir, string name, int seeds, int samples)
    {
        var path = dir.File(name + ".hocon");
        File.WriteAllText(path, $$"""
            jobs {
              {{name}} {
                handler = {{HandlerName}}
                handler-args { samples = "{{samples.ToString(CultureInfo.InvariantCulture)}}", seed = "${seed}" }
                sweep { seed = { from = 1, to = {{seeds}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        return path;
    }

    /// <summary>The handler's message of a results row.</summary>
    public static string? Message(JsonElement row) =>
        row.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
}
