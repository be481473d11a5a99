using ActorFarm.Manifest;
using Xunit;
using Xunit.Abstractions;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

public class ManifestValidationTests(ITestOutputHelper output)
{
    /// <summary>Loads a manifest that must fail and shows its errors in the test output.</summary>
    private IReadOnlyList<ManifestError> Check(TempManifestDir dir, string hocon, ManifestOptions? options = null)
    {
        var errors = Errors(dir, hocon, options);
        foreach (var e in errors) output.WriteLine(e.ToString());
        return errors;
    }

    [Fact]
    public void All_errors_of_a_manifest_come_at_once_with_key_paths_and_lines()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              work {
                command = ["python3", "work.py", "--time=${tme}"]
                timout = 30s
                timeout = "abc"
                retry { max-attempts = "x", exit-codes = [1, 0] }
                sweep {
                  time = [0.1, 0.2]
                  index = [1, 2]
                }
                output { capture = everything, max-bytes-per-task = lots }
              }
              "bad name!" { command = ["true"] }
              empty { }
            }
            extra = 1
            """);

        Has(errors, "jobs.work.command[2]", 3, "undefined placeholder ${tme}", "did you mean 'time'?", "defined here: time, index, job, attempt, node");
        Has(errors, "jobs.work.timout", 4, "unknown key 'timout'", "did you mean 'timeout'?");
        Has(errors, "jobs.work.timeout", 5, "expected a duration such as \"30s\", got \"abc\"");
        Has(errors, "jobs.work.retry.max-attempts", 6, "expected an integer, got \"x\"");
        Has(errors, "jobs.work.retry.exit-codes[1]", 6, "exit code 0");
        Has(errors, "jobs.work.sweep.index", 9, "collides with the built-in placeholder ${index}");
        Has(errors, "jobs.work.output.capture", 11, "unknown capture mode 'everything'", "files, combined, none");
        Has(errors, "jobs.work.output.max-bytes-per-task", 11, "expected a size");
        Has(errors, "jobs.\"bad name!\"", 13, "invalid job name 'bad name!'");
        Has(errors, "jobs.empty", 14, "missing command");
        Has(errors, "extra", 16, "unknown key 'extra' at the top level");
        Assert.Equal(11, errors.Count);
        Assert.Equal(errors.OrderBy(e => e.Line).ToList(), errors); // reported in file order

        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(Path.Combine(dir.Path, "jobs.hocon")));
        Assert.Equal(errors.Count, ex.Message.Split(Environment.NewLine).Length);
        Assert.StartsWith("jobs.hocon:", Path.GetFileName(ex.Message.Split(Environment.NewLine)[0]));
    }

    [Fact]
    public void Error_text_has_the_compiler_form()
    {
        Assert.Equal("jobs.hocon:12: jobs.work.timeout: expected a duration such as \"30s\", got \"abc\"",
            new ManifestError("jobs.hocon", "jobs.work.timeout", 12, "expected a duration such as \"30s\", got \"abc\"").ToString());
        Assert.Equal("jobs.hocon: jobs: no jobs", new ManifestError("jobs.hocon", "jobs", null, "no jobs").ToString());
        Assert.Equal("jobs.hocon:3: oops", new ManifestError("jobs.hocon", "", 3, "oops").ToString());
    }

    [Fact]
    public void Wrong_types_are_reported()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              a { command = 5 }
              b {
                command = ["true"]
                priority = high
                env = [1, 2]
                retry { on-timeout = maybe, backoff = 5 }
              }
              c { command = { program = "x" } }
            }
            """);
        Has(errors, "jobs.a.command", 2, "expected a list of strings", "got 5");
        Has(errors, "jobs.b.priority", 5, "expected an integer, got \"high\"");
        Has(errors, "jobs.b.env", 6, "expected an object", "got a list");
        Has(errors, "jobs.b.retry.on-timeout", 7, "expected true or false, got \"maybe\"");
        Has(errors, "jobs.b.retry.backoff", 7, "add a unit");
        Has(errors, "jobs.c.command", 9, "expected a list of strings", "got an object");
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void Command_and_handler_rules_are_enforced()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              both { command = ["true"], handler = noop }
              list-shell {
                command = ["echo", "hi"]
                shell = true
              }
              string-no-shell {
                command = "echo hi | wc"
              }
              empty-list { command = [] }
              empty-program { command = ["", "x"] }
              args-without-handler { command = ["true"], handler-args { a = "1" } }
              shell-with-handler { handler = sleep, shell = true }
            }
            """);
        Has(errors, "jobs.both", 2, "both command and handler");
        Has(errors, "jobs.list-shell.shell", 5, "shell = true needs the command as one string", "remove shell = true");
        Has(errors, "jobs.string-no-shell.command", 8, "add shell = true", "write the command as a list");
        Has(errors, "jobs.empty-list.command", 10, "the command list is empty");
        Has(errors, "jobs.empty-program.command[0]", 11, "the program");
        Has(errors, "jobs.args-without-handler.handler-args", 12, "only applies with handler");
        Has(errors, "jobs.shell-with-handler.shell", 13, "shell applies to command");
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Undefined_placeholders_are_found_in_every_template()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              w {
                command = ["echo", "${a}", "${index}-${b}"]
                sweep { a = [1] }
                env { X = "${c}", OK = "${job}-${node}-${attempt}" }
                workdir = "runs/${d}"
                output { directory = "out/${e}" }
              }
              h {
                handler = noop
                handler-args { n = "${f}", bad = "${unclosed" }
              }
              s {
                command = "echo ${g} $${literal}"
                shell = true
              }
            }
            """);
        Has(errors, "jobs.w.command[2]", 3, "undefined placeholder ${b}", "defined here: a, index, job, attempt, node");
        Has(errors, "jobs.w.env.X", 5, "undefined placeholder ${c}");
        Has(errors, "jobs.w.workdir", 6, "undefined placeholder ${d}");
        Has(errors, "jobs.w.output.directory", 7, "undefined placeholder ${e}");
        Has(errors, "jobs.h.handler-args.n", 11, "undefined placeholder ${f}", "defined here: index, job, attempt, node");
        Has(errors, "jobs.h.handler-args.bad", 11, "unterminated placeholder");
        Has(errors, "jobs.s.command", 14, "undefined placeholder ${g}");
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Sweep_axes_are_validated()
    {
        using var dir = new TempManifestDir();
        dir.Write("blank.txt", "\n   \n\t\n");
        var errors = Check(dir, """
            jobs {
              w {
                command = ["echo", "${empty}", "${attempt}"] # axes with errors are not also "undefined"
                sweep {
                  empty = []
                  inverted = { from = 10, to = 1 }
                  wrong-way = { from = 1, to = 10, step = -1 }
                  zero = { from = 1, to = 10, step = 0 }
                  floats = { from = 1.0, to = 0.5, step = 0.1 }
                  no-step = { from = 0.5, to = 1.5 }
                  no-to = { from = 1 }
                  nan = { from = one, to = 2 }
                  missing = { file = "nope.txt" }
                  blank = { file = "blank.txt" }
                  scalar = 5
                  nested = [[1, 2]]
                  typo = { from = 1, too = 3 }
                  attempt = [1]
                }
                sweep-mode = diagonal
              }
            }
            """);
        Has(errors, "jobs.w.sweep.empty", 5, "the list is empty");
        Has(errors, "jobs.w.sweep.inverted", 6, "empty range: from 10 to 1 with step 1");
        Has(errors, "jobs.w.sweep.wrong-way", 7, "negative step -1", "needs from > to");
        Has(errors, "jobs.w.sweep.zero.step", 8, "step must not be 0");
        Has(errors, "jobs.w.sweep.floats", 9, "empty range: from 1.0 to 0.5 with step 0.1");
        Has(errors, "jobs.w.sweep.no-step", 10, "needs a step");
        Has(errors, "jobs.w.sweep.no-to", 11, "the range has no 'to'");
        Has(errors, "jobs.w.sweep.nan.from", 12, "expected a number, got \"one\"");
        Has(errors, "jobs.w.sweep.missing.file", 13, "file not found", Path.Combine(dir.Path, "nope.txt"));
        Has(errors, "jobs.w.sweep.blank.file", 14, "no non-blank lines");
        Has(errors, "jobs.w.sweep.scalar", 15, "expected a list such as [1, 2, 3]");
        Has(errors, "jobs.w.sweep.nested[0]", 16, "list values must be strings");
        Has(errors, "jobs.w.sweep.typo.too", 17, "did you mean 'to'?");
        Has(errors, "jobs.w.sweep.typo", 17, "the range has no 'to'");
        Has(errors, "jobs.w.sweep.attempt", 18, "collides with the built-in placeholder ${attempt}");
        Has(errors, "jobs.w.sweep-mode", 20, "unknown sweep-mode 'diagonal'", "product, zip");
        Assert.Equal(16, errors.Count);
    }

    [Fact]
    public void Zip_needs_equal_lengths()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              w {
                command = ["true"]
                sweep {
                  time = [0.1, 0.2, 0.3]
                  rep = { from = 1, to = 4 }
                }
                sweep-mode = zip
              }
            }
            """);
        Has(errors, "jobs.w.sweep", 4, "equal length", "time = 3", "rep = 4");
        Assert.Single(errors);
    }

    [Fact]
    public void A_sweep_over_the_task_limit_is_rejected_with_count_and_limit()
    {
        using var dir = new TempManifestDir();
        const string hocon = """
            jobs {
              huge {
                command = ["true"]
                sweep { a = { from = 1, to = 1000000 }, b = { from = 1, to = 1000000 } }
              }
            }
            """;
        var errors = Check(dir, hocon);
        Has(errors, "jobs.huge.sweep", 4, "1,000,000,000,000 tasks", "limit of 100,000,000");

        errors = Check(dir, hocon.Replace("1000000 }", "1000 }"), new ManifestOptions { MaxTasksPerJob = 999_999 });
        Has(errors, "jobs.huge.sweep", 4, "1,000,000 tasks", "limit of 999,999");

        var job = Assert.Single(Load(dir, hocon.Replace("1000000 }", "1000 }")).Jobs);
        Assert.Equal(1_000_000, job.TaskCount);
    }

    [Fact]
    public void Timeouts_and_retry_bounds_are_checked()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, """
            jobs {
              w {
                command = ["true"]
                timeout = -5s
                retry {
                  max-attempts = 0
                  backoff = 10s
                  max-backoff = 1s
                  exit-codes = 1
                  jitter = 1s
                }
              }
            }
            """);
        Has(errors, "jobs.w.timeout", 4, "the timeout must be positive");
        Has(errors, "jobs.w.retry.max-attempts", 6, "must be at least 1");
        Has(errors, "jobs.w.retry.max-backoff", 8, "shorter than backoff");
        Has(errors, "jobs.w.retry.exit-codes", 9, "expected a list of exit codes");
        Has(errors, "jobs.w.retry.jitter", 10, "unknown key 'jitter'");
        Assert.Equal(5, errors.Count);
    }
}
