using System.IO.Compression;
using System.Xml.Linq;

namespace ActorFarm.IntegrationTests.Packaging;

/// <summary>
/// The packages as the README makes them, made once for the packaging tests: <c>dotnet pack
/// ActorFarm.sln -c &lt;configuration&gt; -o &lt;dir&gt; --no-build</c> from the checkout. The test
/// command has just built the whole solution in that configuration (a clean clone's build, on
/// CI), so packing that build is what <c>dotnet pack</c> of the clean clone gives, in seconds
/// instead of compiling everything a second time.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public const string LibraryId = "ActorFarm";
    public const string ToolId = "ActorFarm.Tool";
    public const string LighthouseId = "ActorFarm.Lighthouse";

    // Packing the built solution takes seconds; a busy 2-core machine may take a minute.
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(4);

    private readonly TempDirectory _dir = new("actorfarm-pack");

    /// <summary>The folder holding the .nupkg files (what the README calls <c>artifacts</c>).</summary>
    public string Folder => _dir.File("packages");

    /// <summary>The version the packages were given (the tool and the library share it).</summary>
    public string Version { get; private set; } = "";

    /// <summary>The Akka.NET version of Directory.Packages.props, the line the library declares.</summary>
    public string AkkaVersion { get; } = XDocument.Load(RepositoryRoot.Combine("Directory.Packages.props"))
        .Descendants("AkkaVersion").Single().Value;

    // The tests run from tests/ActorFarm.IntegrationTests/bin/<Configuration>/<tfm>/: pack that build.
    private static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public async Task InitializeAsync()
    {
        var pack = await UserShell.RunAsync("dotnet", RepositoryRoot.Path, PackLimit, null,
            "pack", "ActorFarm.sln", "-c", Configuration, "-o", Folder, "--no-build", "--disable-build-servers", "-tl:off");
        if (pack.ExitCode != 0)
            throw new InvalidOperationException($"dotnet pack ActorFarm.sln exited {pack.ExitCode}:\n{pack.Tail()}");
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
