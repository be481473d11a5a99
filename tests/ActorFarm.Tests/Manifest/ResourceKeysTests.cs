using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Xunit;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

/// <summary>The per-job resource keys: <c>cpus</c> (slots per task) and <c>max-fails</c> (failures that stop the job).</summary>
public class ResourceKeysTests
{
    [Fact]
    public void Cpus_and_max_fails_are_read_and_default_to_unset()
    {
        using var dir = new TempManifestDir();
        var jobs = Load(dir, """
            jobs {
              wide { command = ["true"], cpus = 4, max-fails = 10 }
              plain { command = ["true"] }
            }
            """).Jobs;

        Assert.Equal(4, jobs[0].Cpus);
        Assert.Equal(4, jobs[0].SlotsPerTask);
        Assert.Equal(10, jobs[0].MaxFails);
        Assert.Null(jobs[1].Cpus);
        Assert.Equal(1, jobs[1].SlotsPerTask);
        Assert.Null(jobs[1].MaxFails);
    }

    [Fact]
    public void Values_below_one_or_not_integers_are_errors_with_key_path_and_line()
    {
        using var dir = new TempManifestDir();
        var errors = Errors(dir, """
            jobs {
              a { command = ["true"], cpus = 0 }
              b { command = ["true"], cpus = 1.5 }
              c { command = ["true"], cpus = "many" }
              d { command = ["true"], max-fails = 0 }
              e { command = ["true"], max-fails = -3 }
              f { command = ["true"], max-fails = 2.5 }
              g { command = ["true"], cpus = [2] }
            }
            """);

        Has(errors, "jobs.a.cpus", 2, "must be at least 1", "got 0");
        Has(errors, "jobs.b.cpus", 3, "expected an integer, got \"1.5\"");
        Has(errors, "jobs.c.cpus", 4, "expected an integer, got \"many\"");
        Has(errors, "jobs.d.max-fails", 5, "must be at least 1", "got 0");
        Has(errors, "jobs.e.max-fails", 6, "must be at least 1", "got -3");
        Has(errors, "jobs.f.max-fails", 7, "expected an integer, got \"2.5\"");
        Has(errors, "jobs.g.cpus", 8, "expected an integer");
        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.EndsWith("jobs.hocon", e.File));
    }

    [Fact]
    public void A_job_built_in_code_gets_the_same_messages_at_the_same_key_paths()
    {
        var job = new JobSpec
        {
            Name = "work",
            Command = new CommandSpec { Argv = ["true"] },
            Sweep = SweepSpec.Single,
            Output = new OutputSpec { Directory = "/tmp/out" },
            Cpus = 0,
            MaxFails = 0,
        };

        var errors = JobSpecValidator.Validate(job);

        Has(errors, "jobs.work.cpus", null, "must be at least 1", "got 0");
        Has(errors, "jobs.work.max-fails", null, "must be at least 1", "got 0");
        Assert.Empty(JobSpecValidator.Validate(job with { Cpus = 3, MaxFails = 1 }));
    }

    [Fact]
    public void Cpus_and_max_fails_are_part_of_the_job_id_and_cpus_1_is_the_default()
    {
        var job = new JobSpec
        {
            Name = "work",
            Command = new CommandSpec { Argv = ["true"] },
            Sweep = SweepSpec.Single,
            Output = new OutputSpec { Directory = "/tmp/out" },
        };

        var id = JobIds.For(job);
        Assert.Equal(id, JobIds.For(job with { Cpus = 1 }));
        Assert.NotEqual(id, JobIds.For(job with { Cpus = 2 }));
        Assert.NotEqual(JobIds.For(job with { Cpus = 2 }), JobIds.For(job with { Cpus = 4 }));
        Assert.NotEqual(id, JobIds.For(job with { MaxFails = 5 }));
    }

    [Fact]
    public void A_process_task_knows_its_cpus_and_openmp_follows_unless_the_job_sets_it()
    {
        var job = new JobSpec
        {
            Name = "work",
            Command = new CommandSpec { Argv = ["true"] },
            Sweep = SweepSpec.Single,
            Output = new OutputSpec { Directory = "/tmp/out" },
        };

        var plain = TaskRenderer.Render(job, 0, 1, "n").Environment;
        Assert.Equal("1", plain[ResourceEnvironment.CpusVariable]);
        Assert.False(plain.ContainsKey("OMP_NUM_THREADS")); // a job without cpus behaves as before the key

        var wide = TaskRenderer.Render(job with { Cpus = 4 }, 0, 1, "n").Environment;
        Assert.Equal("4", wide["ACTORFARM_CPUS"]);
        Assert.Equal("4", wide["OMP_NUM_THREADS"]);

        var own = TaskRenderer.Render(job with { Cpus = 4, Environment = new() { ["OMP_NUM_THREADS"] = "2", ["ACTORFARM_CPUS"] = "9" } }, 0, 1, "n").Environment;
        Assert.Equal("2", own["OMP_NUM_THREADS"]);
        Assert.Equal("4", own["ACTORFARM_CPUS"]);

        var handler = TaskRenderer.Render(job with { Cpus = 4, Command = new CommandSpec { Handler = "noop" } }, 0, 1, "n").Environment;
        Assert.Empty(handler);
    }
}
