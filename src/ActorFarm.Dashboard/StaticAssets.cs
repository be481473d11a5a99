using HttpResults = Microsoft.AspNetCore.Http.Results;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace ActorFarm.Dashboard;

/// <summary>The page, its script and its style, read once from the assembly (wwwroot/ is embedded, never on disk).</summary>
internal static class StaticAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = Load();

    /// <summary>The files there are (index.html, app.js, app.css, ...).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    public static IResult Serve(string name) =>
        Files.TryGetValue(name, out var file) ? HttpResults.Bytes(file.Content, file.Type) : HttpResults.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string prefix = "ActorFarm.Dashboard.wwwroot.";
        var assembly = typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            files[name] = (copy.ToArray(), TypeOf(name));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string TypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
