using System.Text.RegularExpressions;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// <c>actorfarm run --handlers</c> with the real example handler assembly (its MathNet.Numerics
/// loaded from its own folder), and every way a handler assembly can be unusable: exit 2, one
/// line naming the culprit, and nothing started (no state directory, no task).
/// </summary>
public partial class HandlerAssemblyCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Run_with_handlers_runs_every_seed_of_a_monte_carlo_pi_sweep_once()
    {
        using var dir = new TempDirectory("actorfarm-handlers");
        var manifest = ExampleHandlers.PiManifest(dir, "pi", seeds: 8, samples: 20_000);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--progress", "none",
            "--handlers", ExampleHandlers.AssemblyPath);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        // Said once, on standard error: what was loaded from where.
        var loaded = stderr.Split('\n').Where(l => l.Contains("loaded handlers")).ToList();
        Assert.Equal([$"actorfarm: loaded handlers {ExampleHandlers.HandlerName} from {ExampleHandlers.AssemblyPath}"], loaded);

        var rows = ResultsFile.Read(dir.File("out/pi/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, row =>
        {
            Assert.Equal(("succeeded", 0, 1), (row.Outcome(), row.ExitCode(), row.Attempts()));
            Assert.Matches(PiMessage(), ExampleHandlers.Message(row) ?? "");
        });
        Assert.Equal(Enumerable.Range(1, 8), rows.Select(r => int.Parse(r.Parameter("seed"))).Order());
    }

    public static TheoryData<string> UnusableAssemblies => new()
    {
        "missing file", "not an assembly", "no handler", "constructor throws", "two handlers with one name", "missing dependency",
    };

    [Theory]
    [MemberData(nameof(UnusableAssemblies))]
    public async Task An_unusable_handler_assembly_exits_2_names_the_culprit_and_starts_nothing(string problem)
    {
        using var dir = new TempDirectory("actorfarm-handlers");
        var marker = dir.File("ran");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              touch {
                command = ["/usr/bin/touch", "{{marker}}"]
                output { directory = "out", capture = none }
              }
            }
            """);
        var (handlers, expected) = Unusable(problem, dir);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--progress", "none", .. handlers.SelectMany(h => new[] { "--handlers", h })]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("actorfarm: " + expected, line);
        Assert.False(Directory.Exists(dir.File("state")), "the farm started: its state directory exists");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_node_given_an_unusable_handler_assembly_exits_2_before_joining()
    {
        using var dir = new TempDirectory("actorfarm-handlers");
        var missing = dir.File("nowhere/Handlers.dll");

        // The seed is never reached: the node stops before it starts anything.
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "node", "--seeds", "127.0.0.1:1", "--state-dir", dir.File("state"), "--handlers", missing);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Equal($"actorfarm: handler assembly {missing} does not exist", stderr.Trim());
        Assert.False(Directory.Exists(dir.File("state")));
    }

    /// <summary>The <c>--handlers</c> values that make <paramref name="problem"/>, and the error line it must give.</summary>
    private static (string[] Handlers, string Expected) Unusable(string problem, TempDirectory dir)
    {
        switch (problem)
        {
            case "missing file":
            {
                var path = dir.File("nowhere/Handlers.dll");
                return ([path], $"handler assembly {path} does not exist");
            }
            case "not an assembly":
            {
                var path = dir.File("Handlers.dll");
                File.WriteAllText(path, "not a portable executable");
                return ([path], $"handler assembly {path} is not a .NET assembly");
            }
            case "no handler":
            {
                // A real assembly beside the tests with no handler in it.
                var path = Path.Combine(AppContext.BaseDirectory, "xunit.assert.dll");
                return ([path], $"handler assembly {path} (xunit.assert) holds no handler: no public, non-abstract class implementing ITaskHandler with a public parameterless constructor");
            }
            case "constructor throws":
            {
                var path = ThrowawayHandlerAssembly.WithThrowingConstructor(dir.File("broken"), "Broken.Handlers", "no licence for this node");
                return ([path], $"handler {ThrowawayHandlerAssembly.TypeName} in {path} threw in its constructor: InvalidOperationException: no licence for this node");
            }
            case "two handlers with one name":
            {
                var copy = ExampleHandlers.CopyTo(dir.File("copy"));
                return ([ExampleHandlers.AssemblyPath, copy],
                    $"two handlers are named 'monte-carlo-pi': ActorFarm.Examples.Handlers.MonteCarloPiHandler in {ExampleHandlers.AssemblyPath} " +
                    $"and ActorFarm.Examples.Handlers.MonteCarloPiHandler in {copy}");
            }
            case "missing dependency":
            {
                var copy = ExampleHandlers.CopyTo(dir.File("incomplete"), leaveOut: "MathNet.Numerics.dll");
                return ([copy], $"handler assembly {copy} needs MathNet.Numerics, Version=5.0.0.0, Culture=neutral, PublicKeyToken=null, " +
                    "which is neither beside it (its .deps.json and folder) nor part of the host");
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, null);
        }
    }

    [GeneratedRegex(@"^pi ≈ 3\.\d{4} from 20000 samples$")]
    private static partial Regex PiMessage();
}
