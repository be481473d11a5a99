using System.IO.Compression;
using System.Xml.Linq;
using ActorFarm.Tests.Support;

namespace ActorFarm.Tests.Packaging;

/// <summary>
/// The packages as the README makes them, made once for the packaging tests: <c>dotnet pack
/// ActorFarm.sln -c Release -o &lt;dir&gt;</c> from the checkout, built from nothing: every
/// intermediate and binary goes to a fresh <c>--artifacts-path</c>, so nothing the checkout's
/// own builds left in bin/ or obj/ can stand in for what a clean clone would build.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public const string LibraryId = "ActorFarm";
    public const string ToolId = "ActorFarm.Tool";
    public const string LighthouseId = "ActorFarm.Lighthouse";

    // A busy 2-core machine compiles the library, the CLI and the Lighthouse in ~1-2 minutes.
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(8);

    private readonly TempDirectory _dir = new("actorfarm-pack");

    /// <summary>The folder holding the .nupkg files (what the README calls <c>artifacts</c>).</summary>
    public string Folder => _dir.File("packages");

    /// <summary>The version the packages were given (the tool and the library share it).</summary>
    public string Version { get; private set; } = "";

    /// <summary>The Akka.NET version of Directory.Packages.props, the line the library declares.</summary>
    public string AkkaVersion { get; } = XDocument.Load(RepositoryRoot.Combine("Directory.Packages.props"))
        .Descendants("AkkaVersion").Single().Value;

    public async Task InitializeAsync()
    {
        var (exit, output) = await DotnetCommand.RunAsync("dotnet", RepositoryRoot.Path, PackLimit, null,
            "pack", "ActorFarm.sln", "-c", "Release", "-o", Folder,
            "--artifacts-path", _dir.File("build"), "--disable-build-servers", "-tl:off");
        if (exit != 0)
            throw new InvalidOperationException($"dotnet pack ActorFarm.sln exited {exit}:\n{DotnetCommand.Tail(output)}");
        Version = Nuspec(ToolId).Root!.Descendants().Single(e => e.Name.LocalName == "version").Value;
    }

    /// <summary>The path of package <paramref name="id"/>'s .nupkg; fails naming what was packed if it is missing.</summary>
    public string Package(string id)
    {
        var packages = Directory.GetFiles(Folder, "*.nupkg");
        var match = packages.Where(p => IsPackageOf(Path.GetFileName(p), id)).ToList();
        return match.Count == 1
            ? match[0]
            : throw new InvalidOperationException($"expected one package {id}, dotnet pack made: {string.Join(", ", packages.Select(Path.GetFileName))}");
    }

    /// <summary>The names of every file in package <paramref name="id"/>.</summary>
    public IReadOnlyList<string> Files(string id)
    {
        using var zip = ZipFile.OpenRead(Package(id));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>One file of package <paramref name="id"/> as text.</summary>
    public string Text(string id, string path)
    {
        using var zip = ZipFile.OpenRead(Package(id));
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{id} has no {path}: {string.Join(", ", zip.Entries.Select(e => e.FullName))}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public XDocument Nuspec(string id) => XDocument.Parse(Text(id, id + ".nuspec"));

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    // "ActorFarm.0.1.0.nupkg" is the library's, "ActorFarm.Tool.0.1.0.nupkg" is not: the rest of
    // the name after the id must be the version, which starts with a digit.
    private static bool IsPackageOf(string file, string id) =>
        file.StartsWith(id + ".", StringComparison.OrdinalIgnoreCase) && file.Length > id.Length + 1 && char.IsDigit(file[id.Length + 1]);
}
