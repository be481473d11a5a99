using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Testing;

/// <summary>A temporary directory for manifests and their input files, deleted on dispose.</summary>
public sealed class TempManifestDir : IDisposable
{
    public TempManifestDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actorfarm-manifest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class ManifestAssert
{
    /// <summary>Writes the manifest to a temp file and loads it.</summary>
    public static ActorFarm.Manifest.Manifest Load(TempManifestDir dir, string hocon, ManifestOptions? options = null) =>
        ManifestLoader.LoadFile(dir.Write("jobs.hocon", hocon), options);

    public static JobSpec SingleJob(TempManifestDir dir, string hocon) => Assert.Single(Load(dir, hocon).Jobs);

    public static IReadOnlyList<ManifestError> Errors(TempManifestDir dir, string hocon, ManifestOptions? options = null)
    {
        var path = dir.Write("jobs.hocon", hocon);
        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path, options));
        Assert.NotEmpty(ex.Errors);
        return ex.Errors;
    }

    /// <summary>The one error at <paramref name="keyPath"/>; checks its line and that its message holds every fragment.</summary>
    public static ManifestError Has(IReadOnlyList<ManifestError> errors, string keyPath, int? line, params string[] fragments)
    {
        var matching = errors.Where(e => e.KeyPath == keyPath).ToList();
        Assert.True(matching.Count > 0, $"no error at '{keyPath}'; got:\n{string.Join("\n", errors)}");
        var error = matching.FirstOrDefault(e => fragments.All(f => e.Message.Contains(f, StringComparison.Ordinal)))
            ?? throw new Xunit.Sdk.XunitException($"no error at '{keyPath}' containing [{string.Join(" | ", fragments)}]; got:\n{string.Join("\n", errors)}");
        Assert.Equal(line, error.Line);
        return error;
    }

    /// <summary>The folder that holds ActorFarm.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActorFarm.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorFarm.sln not found above " + AppContext.BaseDirectory);
    }
}
