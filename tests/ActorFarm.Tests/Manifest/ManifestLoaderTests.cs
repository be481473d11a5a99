using System.Text.Json;
using ActorFarm.Manifest;
using Xunit;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

public class ManifestLoaderTests
{
    [Fact]
    public void Every_key_is_parsed()
    {
        using var dir = new TempManifestDir();
        dir.Write("inputs.txt", "alpha\n\nbeta\n");
        var job = SingleJob(dir, """
            jobs {
              work {
                command = ["python3", "work.py", "--time=${time}", "--seed", "${seed}", "${line}", "${x}"]
                sweep {
                  time = [1, 2.5, "x y", true]
                  seed = { from = 1, to = 100, step = 3 }
                  x    = { from = 0.0, to = 1.0, step = 0.25 }
                  line = { file = "inputs.txt" }
                }
                sweep-mode = product
                env { SEED = "${seed}", PLAIN = hello }
                workdir = "runs"
                timeout = 1.5m
                retry { max-attempts = 3, exit-codes = [1, 75], on-timeout = true, backoff = 2s, max-backoff = 1m }
                priority = -4
                output { directory = "results", capture = combined, max-bytes-per-task = 2M }
              }
            }
            """);

        Assert.Equal("work", job.Name);
        Assert.Equal(["python3", "work.py", "--time=${time}", "--seed", "${seed}", "${line}", "${x}"], job.Command.Argv!);
        Assert.Null(job.Command.ShellCommand);
        Assert.Null(job.Command.Handler);

        Assert.Equal(SweepMode.Product, job.Sweep.Mode);
        Assert.Equal(["time", "seed", "x", "line"], job.Sweep.Axes.Select(a => a.Name));
        Assert.Equal(["1", "2.5", "x y", "true"], Assert.IsType<ListAxis>(job.Sweep.Axes[0]).Values);
        Assert.Equal(new IntRangeAxis { Name = "seed", From = 1, To = 100, Step = 3 }, job.Sweep.Axes[1]);
        Assert.Equal(new FloatRangeAxis { Name = "x", From = 0, To = 1, Step = 0.25 }, job.Sweep.Axes[2]);
        var file = Assert.IsType<FileLinesAxis>(job.Sweep.Axes[3]);
        Assert.Equal(Path.Combine(dir.Path, "inputs.txt"), file.Path);
        Assert.Equal(2, file.LineCount);
        Assert.Equal(4 * 34 * 5 * 2, job.TaskCount);

        Assert.Equal(new Dictionary<string, string> { ["SEED"] = "${seed}", ["PLAIN"] = "hello" }, job.Environment);
        Assert.Equal(Path.Combine(dir.Path, "runs"), job.WorkingDirectory);
        Assert.Equal(TimeSpan.FromSeconds(90), job.Timeout);
        Assert.Equal(3, job.Retry.MaxAttempts);
        Assert.Equal([1, 75], job.Retry.ExitCodes);
        Assert.True(job.Retry.OnTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), job.Retry.Backoff);
        Assert.Equal(TimeSpan.FromMinutes(1), job.Retry.MaxBackoff);
        Assert.Equal(-4, job.Priority);
        Assert.Equal(Path.Combine(dir.Path, "results"), job.Output.Directory);
        Assert.Equal(OutputCapture.Combined, job.Output.Capture);
        Assert.Equal(2 * 1024 * 1024, job.Output.MaxBytesPerTask);
        Assert.Equal(Path.Combine(dir.Path, "jobs.hocon"), job.SourceFile);

        // Render the last task end to end.
        var t = TaskRenderer.Render(job, job.TaskCount - 1, 1, "n");
        Assert.Equal(["python3", "work.py", "--time=true", "--seed", "100", "beta", "1"], t.Argv!);
    }

    [Fact]
    public void Defaults_apply_when_keys_are_left_out()
    {
        using var dir = new TempManifestDir();
        var manifest = Load(dir, """
            jobs { minimal { command = ["true"] } }
            """);
        var job = Assert.Single(manifest.Jobs);
        Assert.Equal(Path.Combine(dir.Path, "jobs.hocon"), manifest.SourceFile);
        Assert.Equal(1, job.TaskCount);
        Assert.Empty(job.Sweep.Axes);
        Assert.Empty(job.Environment);
        Assert.Equal(dir.Path, job.WorkingDirectory);
        Assert.Null(job.Timeout);
        Assert.Equal(RetryPolicy.None, job.Retry);
        Assert.Equal(0, job.Priority);
        Assert.Equal(Path.Combine(dir.Path, "out"), job.Output.Directory);
        Assert.Equal(OutputCapture.Files, job.Output.Capture);
        Assert.Equal(1024 * 1024, job.Output.MaxBytesPerTask);
    }

    [Fact]
    public void Shell_commands_handlers_and_zip_are_parsed()
    {
        using var dir = new TempManifestDir();
        var manifest = Load(dir, """
            jobs {
              piped {
                command = "seq 1 ${n} | wc -l; echo $${HOME}"
                shell = true
                sweep { n = [1, 2], m = [a, b] }
                sweep-mode = zip
              }
              nap {
                handler = sleep
                handler-args { seconds = "${s}", fixed = 3 }
                sweep { s = { from = 3, to = 1, step = -1 } }
                output { capture = none, max-bytes-per-task = 512 }
              }
            }
            """);
        Assert.Equal(["piped", "nap"], manifest.Jobs.Select(j => j.Name));
        var piped = manifest.Jobs[0];
        Assert.Equal("seq 1 ${n} | wc -l; echo $${HOME}", piped.Command.ShellCommand);
        Assert.Null(piped.Command.Argv);
        Assert.Equal(SweepMode.Zip, piped.Sweep.Mode);
        Assert.Equal(2, piped.TaskCount);

        var nap = manifest.Jobs[1];
        Assert.Equal("sleep", nap.Command.Handler);
        Assert.False(nap.Command.IsProcess);
        Assert.Equal(new Dictionary<string, string> { ["seconds"] = "${s}", ["fixed"] = "3" }, nap.Command.HandlerArgs);
        Assert.Equal(OutputCapture.None, nap.Output.Capture);
        Assert.Equal(512, nap.Output.MaxBytesPerTask);
        Assert.Equal("1", TaskRenderer.Render(nap, 2, 1, "n").HandlerArgs["seconds"]);
    }

    [Fact]
    public void A_shell_command_may_be_any_text_but_a_number()
    {
        using var dir = new TempManifestDir();
        var job = SingleJob(dir, """jobs { w { command = "true", shell = true } }""");
        Assert.Equal("true", job.Command.ShellCommand);
    }

    [Fact]
    public void Directory_templates_keep_placeholders_and_resolve_their_prefix()
    {
        using var dir = new TempManifestDir();
        var job = SingleJob(dir, """
            jobs { w {
              command = ["true"]
              sweep { seed = [1, 2] }
              workdir = "runs/../work/${job}-${seed}"
              output { directory = "/data/${job}" }
            } }
            """);
        Assert.Equal(Path.Combine(dir.Path, "work") + "/${job}-${seed}", job.WorkingDirectory);
        Assert.Equal("/data/${job}", job.Output.Directory);
        var t = TaskRenderer.Render(job, 1, 1, "n");
        Assert.Equal(Path.Combine(dir.Path, "work", "w-2"), t.WorkingDirectory);
        Assert.Equal("/data/w", OutputLayout.BaseDirectory(job));
        Assert.Equal("/data/w/w/results.jsonl", OutputLayout.ResultsFile(job));
    }

    [Fact]
    public void Output_directory_override_replaces_every_job_directory()
    {
        using var dir = new TempManifestDir();
        var job = Assert.Single(Load(dir, """jobs { w { command = ["true"], output { directory = "x" } } }""",
            new ManifestOptions { OutputDirectoryOverride = "/elsewhere/out" }).Jobs);
        Assert.Equal("/elsewhere/out", job.Output.Directory);
    }

    [Fact]
    public void LoadText_resolves_against_the_given_directory()
    {
        using var dir = new TempManifestDir();
        var m = ManifestLoader.LoadText("""jobs { w { command = ["true"], workdir = sub } }""", "inline.hocon", dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "inline.hocon"), m.SourceFile);
        Assert.Equal(Path.Combine(dir.Path, "sub"), m.Jobs[0].WorkingDirectory);
    }

    [Fact]
    public void Hocon_substitutions_and_dotted_keys_work_outside_strings()
    {
        using var dir = new TempManifestDir();
        var m = Load(dir, """
            jobs {
              a {
                command = ["echo", "${v}"]
                sweep.v = [a, b]
                timeout = 10s
              }
              b.command = ["true"]
              b.timeout = ${jobs.a.timeout}
            }
            """);
        Assert.Equal(2, m.Jobs[0].TaskCount);
        Assert.Equal(TimeSpan.FromSeconds(10), m.Jobs[1].Timeout);
    }

    [Fact]
    public void A_loaded_job_survives_a_json_round_trip()
    {
        using var dir = new TempManifestDir();
        dir.Write("inputs.txt", "a\nb\n");
        var job = SingleJob(dir, """
            jobs { w {
              command = ["echo", "${a}", "${b}", "${c}", "${d}"]
              sweep { a = [x], b = { from = 1, to = 3 }, c = { from = 0.5, to = 1.5, step = 0.5 }, d = { file = "inputs.txt" } }
              timeout = 5s
            } }
            """);
        var copy = JsonSerializer.Deserialize<JobSpec>(JsonSerializer.Serialize(job))!;
        Assert.Equal(job.TaskCount, copy.TaskCount);
        Assert.Equal(JsonSerializer.Serialize(job), JsonSerializer.Serialize(copy));
        Assert.IsType<FileLinesAxis>(copy.Sweep.Axes[3]);
        Assert.Equal(TaskRenderer.Render(job, 17, 1, "n").Argv!, TaskRenderer.Render(copy, 17, 1, "n").Argv!);
    }

    [Fact]
    public void The_examples_load_without_errors()
    {
        var examples = Path.Combine(RepositoryRoot(), "examples");
        var work = ManifestLoader.LoadFile(Path.Combine(examples, "work.hocon"));
        var job = Assert.Single(work.Jobs);
        Assert.Equal("work", job.Name);
        Assert.Equal(12, job.TaskCount);
        Assert.Equal(examples, job.WorkingDirectory);
        Assert.Equal(["python3", "work.py", "--time=0.3"], TaskRenderer.Render(job, 11, 1, "n").Argv!);

        var features = ManifestLoader.LoadFile(Path.Combine(examples, "sweep-features.hocon"));
        Assert.Contains(features.Jobs, j => j.Sweep.Mode == SweepMode.Zip);
        Assert.Contains(features.Jobs, j => j.Command.Handler == "sleep");
        Assert.Contains(features.Jobs, j => j.Command.ShellCommand is not null);
        Assert.Contains(features.Jobs, j => j.Sweep.Axes.Any(a => a is FileLinesAxis));
        Assert.Contains(features.Jobs, j => j.Sweep.Axes.Any(a => a is FloatRangeAxis));
        Assert.Contains(features.Jobs, j => j.Retry.MaxAttempts > 1 && j.Timeout is not null);
        Assert.Contains(features.Jobs, j => j.MaxFails == 2);
        Assert.Contains(features.Jobs, j => j.Cpus == 2 && j.Command.ShellCommand is not null);
    }
}
