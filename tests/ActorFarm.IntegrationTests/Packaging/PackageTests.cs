using System.Xml.Linq;

namespace ActorFarm.IntegrationTests.Packaging;

/// <summary>
/// The packages, used as the README says (issue 12, acceptance 3): <c>dotnet pack</c>, then
/// <c>dotnet tool install</c> and the installed <c>actorfarm</c> runs the quick start; and a
/// project of someone else's that treats warnings as errors takes the library with no warning,
/// and cannot put it beside another Akka.NET version. Every step is the real SDK against the
/// registry this machine restores from; restores go to a fresh package folder so no copy of an
/// earlier ActorFarm package in the machine's cache can stand in for the one just packed.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class PackageTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(4);

    // A version the registry serves that is not the farm's line: Akka core has 1.5.74, Sharding has not.
    private const string OtherAkkaVersion = "1.5.74";

    [Fact]
    public void Pack_makes_the_library_with_readme_docs_and_the_akka_line_and_the_two_tools()
    {
        var made = Directory.GetFiles(packages.Folder, "*.nupkg").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(
            new[] { PackedPackages.LibraryId, PackedPackages.LighthouseId, PackedPackages.ToolId }
                .Select(id => $"{id}.{packages.Version}.nupkg").Order(),
            made);

        var library = packages.Nuspec(PackedPackages.LibraryId);
        Assert.Equal("README.md", Element(library, "readme"));
        Assert.Equal("Apache-2.0", Element(library, "license"));
        Assert.False(string.IsNullOrWhiteSpace(Element(library, "description")));
        Assert.NotNull(library.Descendants().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("commit"));
        Assert.DoesNotContain(library.Descendants(), e => e.Name.LocalName == "packageType");
        var files = packages.Files(PackedPackages.LibraryId);
        Assert.Contains("README.md", files);
        Assert.Contains("lib/net10.0/ActorFarm.dll", files);
        Assert.Contains("lib/net10.0/ActorFarm.xml", files);
        Assert.Contains("buildTransitive/ActorFarm.targets", files);
        Assert.Contains("<summary>", packages.Text(PackedPackages.LibraryId, "lib/net10.0/ActorFarm.xml"));

        // Every Akka.NET dependency, direct or pinned transitive, is exactly the one line.
        var dependencies = library.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        var akka = dependencies.Where(d => d.Key == "Akka" || (d.Key.StartsWith("Akka.", StringComparison.Ordinal) && d.Key != "Akka.Analyzers")).ToList();
        Assert.Contains(akka, d => d.Key == "Akka.Cluster.Sharding");
        Assert.All(akka, d => Assert.Equal($"[{packages.AkkaVersion}]", d.Value));
        Assert.Contains("LightningDB", dependencies.Keys);
        Assert.Contains($"<ActorFarmAkkaVersion>{packages.AkkaVersion}</ActorFarmAkkaVersion>",
            packages.Text(PackedPackages.LibraryId, "buildTransitive/ActorFarm.props"));

        AssertTool(PackedPackages.ToolId, "actorfarm", "ActorFarm.Cli.dll");
        AssertTool(PackedPackages.LighthouseId, "actorfarm-lighthouse", "ActorFarm.Lighthouse.dll");
    }

    [Fact]
    public async Task The_installed_tool_runs_the_quick_start()
    {
        using var dir = new TempDirectory("actorfarm-tool");
        var tools = dir.File("tools");
        // The README's `dotnet tool install --global ActorFarm.Tool --add-source artifacts`, into a
        // folder of its own instead of the machine's global tools; the version is given so that a
        // package of the same id on the registry can never be taken instead.
        var install = await UserShell.RunAsync("dotnet", dir.Path, StepLimit, null,
            "tool", "install", PackedPackages.ToolId, "--tool-path", tools, "--add-source", packages.Folder, "--version", packages.Version);
        Assert.True(install.ExitCode == 0, $"dotnet tool install exited {install.ExitCode}:\n{install.Output}");

        // The quick start's files, in a folder of their own as in a clone, and the README's command.
        var examples = Directory.CreateDirectory(dir.File("examples")).FullName;
        foreach (var file in new[] { "work.hocon", "work.py" })
            File.Copy(RepositoryRoot.Combine("examples", file), Path.Combine(examples, file));
        var run = await UserShell.RunAsync(Path.Combine(tools, "actorfarm"), dir.Path, StepLimit, null,
            "run", "--manifest", "examples/work.hocon");

        Assert.True(run.ExitCode == 0, $"the installed actorfarm exited {run.ExitCode}:\n{run.Tail()}");
        var rows = ResultsFile.Read(Path.Combine(examples, "out", "work", "results.jsonl"));
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), rows.Select(r => r.Index()).Order());
    }

    [Fact]
    public async Task A_consumer_that_treats_warnings_as_errors_builds_on_the_library_with_no_warning_and_cannot_mix_Akka_versions()
    {
        using var dir = new TempDirectory("actorfarm-consumer");
        var project = Directory.CreateDirectory(dir.File("consumer")).FullName;
        var projectFile = Path.Combine(project, "Consumer.csproj");
        // Empty Directory.Build.* files end MSBuild's search upwards: nothing above the temp
        // folder can change this project.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            await File.WriteAllTextAsync(Path.Combine(dir.Path, file), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), "<configuration />\n");
        await File.WriteAllTextAsync(projectFile, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
            using ActorFarm.Hosting;
            using ActorFarm.Manifest;

            var options = new FarmOptions { StateDirectory = "state" };
            Console.WriteLine($"{typeof(FarmHost).FullName} {typeof(ManifestLoader).FullName} {options.StateDirectory}");
            """);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = dir.File("nuget-packages") };

        // As the README says: the packages' folder as a source, then `dotnet add package ActorFarm`.
        await Step(environment, project, 0, "nuget", "add", "source", packages.Folder, "--name", "actorfarm", "--configfile", "nuget.config");
        await Step(environment, project, 0, "add", "package", PackedPackages.LibraryId, "--version", packages.Version);
        var build = await Step(environment, project, 0, "build", "-c", "Release", "--disable-build-servers", "-tl:off");
        Assert.Matches(@"\b0 Warning\(s\)", build);
        Assert.DoesNotContain("warning", build.Replace("0 Warning(s)", ""), StringComparison.OrdinalIgnoreCase);

        // Akka core on another version, referenced directly: NuGet's NU1608, an error here.
        var csproj = await File.ReadAllTextAsync(projectFile);
        await File.WriteAllTextAsync(projectFile, csproj.Replace("</Project>", $"""
              <ItemGroup><PackageReference Include="Akka" Version="{OtherAkkaVersion}" /></ItemGroup>
            </Project>
            """));
        var restore = await Step(environment, project, null, "restore");
        Assert.Contains("error NU1608", restore);
        Assert.Contains($"Akka {OtherAkkaVersion}", restore);

        // The same without warnings as errors: the library's own check stops the build.
        var lenient = await Step(environment, project, null, "build", "-c", "Release", "--disable-build-servers", "-tl:off",
            "-p:TreatWarningsAsErrors=false");
        Assert.Contains("error AF0001", lenient);
        Assert.Contains($"Akka {OtherAkkaVersion}", lenient);

        // Another Akka.NET version pulled in by a package (Akka.Hosting 1.5.74 needs Akka 1.5.74): NU1107.
        await File.WriteAllTextAsync(projectFile, csproj.Replace("</Project>", $"""
              <ItemGroup><PackageReference Include="Akka.Hosting" Version="{OtherAkkaVersion}" /></ItemGroup>
            </Project>
            """));
        var conflict = await Step(environment, project, null, "restore", "-p:TreatWarningsAsErrors=false");
        Assert.Contains("error NU1107", conflict);
        // NuGet names the first package of the line it meets in conflict (Akka, Akka.Streams, ...).
        Assert.Matches($@"ActorFarm {System.Text.RegularExpressions.Regex.Escape(packages.Version)} -> Akka[\w.]* \(= {System.Text.RegularExpressions.Regex.Escape(packages.AkkaVersion)}\)", conflict);
    }

    /// <summary>One <c>dotnet</c> command in the consumer; with <paramref name="expectedExit"/> 0 it must succeed, with null it must fail.</summary>
    private static async Task<string> Step(IReadOnlyDictionary<string, string> environment, string project, int? expectedExit, params string[] args)
    {
        var result = await UserShell.RunAsync("dotnet", project, StepLimit, environment, args);
        var ok = expectedExit is { } expected ? result.ExitCode == expected : result.ExitCode != 0;
        Assert.True(ok, $"dotnet {string.Join(' ', args)} exited {result.ExitCode} ({(expectedExit is null ? "expected a failure" : "expected " + expectedExit)}):\n{result.Tail()}");
        return result.Output;
    }

    private void AssertTool(string id, string command, string entryPoint)
    {
        var nuspec = packages.Nuspec(id);
        Assert.Equal("DotnetTool", nuspec.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value);
        Assert.Equal("README.md", Element(nuspec, "readme"));
        var settings = XDocument.Parse(packages.Text(id, "tools/net10.0/any/DotnetToolSettings.xml"));
        var declared = settings.Descendants("Command").Single();
        Assert.Equal(command, declared.Attribute("Name")!.Value);
        Assert.Equal(entryPoint, declared.Attribute("EntryPoint")!.Value);
    }

    private static string? Element(XDocument nuspec, string name) =>
        nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}
