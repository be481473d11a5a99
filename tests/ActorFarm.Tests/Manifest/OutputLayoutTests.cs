using ActorFarm.Results.Files;
using ActorFarm.Manifest;
using ActorFarm.Results;
using Xunit;
using Xunit.Abstractions;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

/// <summary>
/// One owner of the output layout: results and task output under the same expanded directory,
/// job names that stay inside it, and paths that fit the file system.
/// </summary>
public class OutputLayoutTests(ITestOutputHelper output)
{
    private IReadOnlyList<ManifestError> Check(TempManifestDir dir, string hocon)
    {
        var errors = Errors(dir, hocon);
        foreach (var e in errors) output.WriteLine(e.ToString());
        return errors;
    }

    [Fact]
    public void Results_and_task_output_share_the_expanded_directory()
    {
        using var dir = new TempManifestDir();
        var job = SingleJob(dir, """
            jobs { w {
              command = ["true"]
              output { directory = "out/${job}" }
            } }
            """);
        var jobDirectory = Path.Combine(dir.Path, "out", "w", "w");
        Assert.Equal(jobDirectory, OutputLayout.JobDirectory(job));
        Assert.Equal(Path.Combine(jobDirectory, "results.jsonl"), ResultsFileWriter.DefaultPath(job));
        Assert.Equal(Path.Combine(jobDirectory, "results.csv"), ResultsFileWriter.DefaultPath(job, ResultsFormat.Csv));
        Assert.Equal(Path.Combine(jobDirectory, "tasks", "7.out"), OutputLayout.TaskStdout(OutputLayout.JobDirectory(job), 7));
        Assert.Equal(Path.Combine(jobDirectory, "output.n1.log"), OutputLayout.CombinedLog(OutputLayout.JobDirectory(job), "n1"));
    }

    [Theory]
    [InlineData("n1", "n1")]
    [InlineData("node-2.cluster_a", "node-2.cluster_a")]
    [InlineData("host:4053", "host%3A4053")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "..")]
    [InlineData("a b%", "a%20b%25")]
    [InlineData("nœud", "n%C5%93ud")]
    public void A_node_name_becomes_a_file_name_without_a_slash_and_without_sharing_one(string node, string fileName) =>
        Assert.Equal(fileName, OutputLayout.NodeFileName(node));

    [Fact]
    public void Node_names_that_differ_never_share_a_combined_log_and_a_long_one_is_bounded()
    {
        // Replacing characters by '_' would give "a:b" and "a_b" one file; encoding them keeps them apart.
        Assert.NotEqual(OutputLayout.NodeFileName("a:b"), OutputLayout.NodeFileName("a_b"));
        var longA = OutputLayout.NodeFileName(new string('x', 300) + "a");
        var longB = OutputLayout.NodeFileName(new string('x', 300) + "b");
        Assert.NotEqual(longA, longB);
        Assert.Equal(OutputLayout.MaxNodeFileNameLength, longA.Length);
        Assert.Equal("output." + longA + ".log", Path.GetFileName(OutputLayout.CombinedLog("/out/job", new string('x', 300) + "a")));
    }

    [Fact]
    public void A_directory_that_starts_with_a_placeholder_resolves_against_the_manifest()
    {
        using var dir = new TempManifestDir();
        var job = SingleJob(dir, """jobs { w { command = ["true"], output { directory = "${job}-out" } } }""");
        Assert.Equal(Path.Combine(dir.Path, "w-out", "w", "results.jsonl"), OutputLayout.ResultsFile(job));
    }

    [Fact]
    public void Per_task_placeholders_are_refused_in_the_output_directory()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              a { command = ["true"], output { directory = "out/${index}" } }
              b { command = ["true"], sweep.seed = [1, 2], output.directory = "out/${seed}" }
              c { command = ["true"], output { directory = "out/${node}/${attempt}" } }
              d { command = ["true"], output { directory = "out/${nope}" } }
            }
            """);
        Has(errors, "jobs.a.output.directory", 2, "may use only ${job}", "${index} changes from task to task");
        Has(errors, "jobs.b.output.directory", 3, "${seed} changes from task to task");
        Has(errors, "jobs.c.output.directory", 4, "${node} changes from task to task");
        Has(errors, "jobs.c.output.directory", 4, "${attempt} changes from task to task");
        Has(errors, "jobs.d.output.directory", 5, "undefined placeholder ${nope}; output.directory may use only ${job}");
        Assert.Equal(5, errors.Count);
    }

    [Theory]
    [InlineData(".", "in the output directory itself")]
    [InlineData("..", "outside the output directory")]
    public void Dot_names_are_refused(string name, string fragment)
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, $$"""
            jobs {
              "{{name}}" { command = ["true"] }
            }
            """);
        Has(errors, $"jobs.\"{name}\"", 2, $"invalid job name '{name}'", fragment);
    }

    [Fact]
    public void Job_names_are_bounded_so_every_derived_path_fits()
    {
        using var dir = new TempManifestDir();
        var longest = new string('n', ManifestLimits.MaxJobNameLength);
        Assert.Equal(longest, SingleJob(dir, $$"""jobs { {{longest}} { command = ["true"] } }""").Name);

        var tooLong = longest + "n";
        var error = Assert.Single(Check(dir, $$"""jobs { {{tooLong}} { command = ["true"] } }"""));
        Assert.Equal($"jobs.{tooLong}", error.KeyPath);
        Assert.Contains($"{ManifestLimits.MaxJobNameLength + 1} characters long, more than the limit of {ManifestLimits.MaxJobNameLength}", error.Message);
    }

    [Fact]
    public void An_output_directory_too_long_for_the_file_system_is_refused()
    {
        using var dir = new TempManifestDir();
        var deep = "/tmp/" + string.Join("/", Enumerable.Repeat(new string('d', 200), 21));
        var errors = Check(dir, $$"""
            jobs {
              w {
                command = ["true"]
                output { directory = "{{deep}}" }
              }
              c {
                command = ["true"]
                output { directory = "/tmp/{{new string('c', 300)}}" }
              }
            }
            """);
        Has(errors, "jobs.w.output.directory", 4, "would be up to", "more than the 4,095 a path may have");
        Has(errors, "jobs.c.output.directory", 8, "has a component of 300 bytes", "more than the 255 a file system allows");
    }
}
