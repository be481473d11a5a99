using ActorFarm.Manifest;
using Xunit;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Manifest;

/// <summary>
/// A job built in C# gets the same messages, at the same key paths, as the same job written in
/// HOCON: for every rule of the manifest that a <see cref="JobSpec"/> can break, the job is
/// written both ways and the two lists of errors are compared (the manifest's also carry the
/// file and the line, which code has not).
/// <para>
/// Rules that cannot apply to a spec built in code, because C# types or the spec's shape rule
/// them out, and so are tested only with manifests (ManifestValidationTests, ManifestFileErrorTests,
/// BoundedInputTests, ManifestLoaderTests):
/// the file itself (missing, not a regular file, over 16 MiB, not UTF-8, a NUL byte); HOCON syntax
/// (unclosed brackets or strings, invalid escapes, unresolved <c>${x}</c>, <c>${?x}</c>,
/// <c>include</c>, nesting deeper than 32 levels); no jobs (<c>jobs</c> missing or empty); a job
/// that is not an object; unknown keys anywhere; wrong types (<c>timeout = "abc"</c>,
/// <c>max-attempts = "x"</c>, <c>command = 5</c>, a number as a command, <c>env = [1]</c>, a list
/// or object as a list value or argument, <c>file = null</c>); the forms of a command
/// (<c>shell = true</c> with a list, a string without <c>shell = true</c>, <c>shell</c> with a
/// handler); the forms of a range (no <c>from</c> or <c>to</c>, a non-integer range without
/// <c>step</c>, <c>file</c> beside range keys); unknown words for <c>sweep-mode</c> and
/// <c>capture</c> and bad duration or size texts (code gives enums, <see cref="TimeSpan"/>s and
/// numbers; out-of-range enums and a negative size have rules of their own, tested below); an
/// integer out of range for <c>priority</c> (any <see cref="int"/> is a valid priority);
/// <see cref="ManifestOptions.OutputDirectoryOverride"/> (a command-line option).
/// </para>
/// </summary>
public sealed class JobSpecValidationTests(ITestOutputHelper output)
{
    /// <summary>One rule: the same job as a manifest's <c>jobs</c> entry and as a spec, in one directory.</summary>
    public sealed record Rule(
        string JobKey,
        Func<string, string> Hocon,
        Func<string, JobSpec> Code,
        string Expected,
        ManifestOptions? Options = null,
        Action<string>? Files = null);

    private static readonly string LongName = new('n', ManifestLimits.MaxJobNameLength + 1);

    private static readonly string LongComponent = new('c', OutputLayout.MaxNameBytes + 1);

    private static readonly string DeepDirectory = string.Join("/", Enumerable.Repeat(new string('d', 200), 21));

    /// <summary>A valid job; each rule breaks it in one place.</summary>
    private static JobSpec Work(string dir, string name = "work") => new()
    {
        Name = name,
        Command = new CommandSpec { Argv = ["echo", "hi"] },
        Sweep = SweepSpec.Single,
        Output = new OutputSpec { Directory = Path.Combine(dir, "out") },
    };

    private static JobSpec WithAxes(string dir, params SweepAxis[] axes) =>
        Work(dir) with { Sweep = new SweepSpec { Axes = axes } };

    private static ListAxis List(string name, params string[] values) => new() { Name = name, Values = values };

    private static FileLinesAxis FileAxis(string dir, string file, long lines = 1) =>
        new() { Name = "x", Path = file.Length == 0 ? "" : Path.Combine(dir, file), LineCount = lines };

    public static readonly Dictionary<string, Rule> Rules = new()
    {
        // Job names
        ["name: characters"] = new("\"bad name!\"", _ => "command = [\"echo\", \"hi\"]", d => Work(d, "bad name!"), "invalid job name 'bad name!'"),
        ["name: ."] = new("\".\"", _ => "command = [\"echo\", \"hi\"]", d => Work(d, "."), "in the output directory itself"),
        ["name: .."] = new("\"..\"", _ => "command = [\"echo\", \"hi\"]", d => Work(d, ".."), "outside the output directory"),
        ["name: length"] = new(LongName, _ => "command = [\"echo\", \"hi\"]", d => Work(d, LongName), "more than the limit of 200"),

        // Command and handler
        ["command: both command and handler"] = new("work", _ => "command = [\"echo\"], handler = noop",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"], Handler = "noop" } }, "both command and handler"),
        ["command: shell command and handler"] = new("work", _ => "command = \"echo hi\", shell = true, handler = noop",
            d => Work(d) with { Command = new CommandSpec { ShellCommand = "echo hi", Handler = "noop" } }, "both command and handler"),
        ["command: missing"] = new("work", _ => "priority = 1", d => Work(d) with { Command = new CommandSpec(), Priority = 1 }, "missing command"),
        ["command: empty list"] = new("work", _ => "command = []", d => Work(d) with { Command = new CommandSpec { Argv = [] } }, "the command list is empty"),
        ["command: empty program"] = new("work", _ => "command = [\"\", \"x\"]", d => Work(d) with { Command = new CommandSpec { Argv = ["", "x"] } }, "the program (first element of the command) is empty"),
        ["command: null argument"] = new("work", _ => "command = [\"echo\", null]", d => Work(d) with { Command = new CommandSpec { Argv = ["echo", null!] } }, "expected a string argument, got null"),
        ["command: empty shell command"] = new("work", _ => "command = \"\", shell = true", d => Work(d) with { Command = new CommandSpec { ShellCommand = "" } }, "the command is empty"),
        ["handler: empty name"] = new("work", _ => "handler = \"\"", d => Work(d) with { Command = new CommandSpec { Handler = "" } }, "the handler name is empty"),
        ["handler-args: without handler"] = new("work", _ => "command = [\"echo\"], handler-args { a = \"1\" }",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"], HandlerArgs = new() { ["a"] = "1" } } }, "handler-args only applies with handler"),
        ["handler-args: null value"] = new("work", _ => "handler = noop, handler-args { a = null }",
            d => Work(d) with { Command = new CommandSpec { Handler = "noop", HandlerArgs = new() { ["a"] = null! } } }, "expected a string value, got null"),

        // Placeholders
        ["placeholder: undefined in command"] = new("work", _ => "command = [\"echo\", \"${tme}\"], sweep { time = [1, 2] }",
            d => WithAxes(d, List("time", "1", "2")) with { Command = new CommandSpec { Argv = ["echo", "${tme}"] } }, "did you mean 'time'?"),
        ["placeholder: undefined in shell command"] = new("work", _ => "command = \"echo ${x}\", shell = true",
            d => Work(d) with { Command = new CommandSpec { ShellCommand = "echo ${x}" } }, "undefined placeholder ${x}"),
        ["placeholder: undefined in handler-args"] = new("work", _ => "handler = noop, handler-args { s = \"${x}\" }",
            d => Work(d) with { Command = new CommandSpec { Handler = "noop", HandlerArgs = new() { ["s"] = "${x}" } } }, "undefined placeholder ${x}"),
        ["placeholder: undefined in env"] = new("work", _ => "command = [\"echo\"], env { A = \"${x}\" }",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"] }, Environment = new() { ["A"] = "${x}" } }, "undefined placeholder ${x}"),
        ["placeholder: undefined in workdir"] = new("work", d => $$"""command = ["echo"], workdir = "{{d}}/runs/${x}" """,
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"] }, WorkingDirectory = d + "/runs/${x}" }, "undefined placeholder ${x}"),
        ["placeholder: malformed"] = new("work", _ => "command = [\"echo\", \"${x\"]",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo", "${x"] } }, "unterminated placeholder"),
        ["placeholder: empty"] = new("work", _ => "command = [\"echo\", \"a${}\"]",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo", "a${}"] } }, "empty placeholder"),
        ["placeholder: per-task in output.directory"] = new("work", d => $$"""command = ["echo"], output { directory = "{{d}}/out/${index}" }""",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"] }, Output = new OutputSpec { Directory = d + "/out/${index}" } }, "output.directory may use only ${job}"),
        ["placeholder: undefined in output.directory"] = new("work", d => $$"""command = ["echo"], output { directory = "{{d}}/out/${nope}" }""",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"] }, Output = new OutputSpec { Directory = d + "/out/${nope}" } }, "undefined placeholder ${nope}; output.directory may use only ${job}"),

        // Sweep axes
        ["sweep: axis named like a built-in"] = new("work", _ => "command = [\"echo\"], sweep { index = [1] }",
            d => WithAxes(d, List("index", "1")) with { Command = new CommandSpec { Argv = ["echo"] } }, "collides with the built-in placeholder ${index}"),
        ["sweep: axis name characters"] = new("work", _ => "command = [\"echo\"], sweep { \"a b\" = [1] }",
            d => WithAxes(d, List("a b", "1")) with { Command = new CommandSpec { Argv = ["echo"] } }, "invalid axis name 'a b'"),
        ["sweep: empty list"] = new("work", _ => "command = [\"echo\"], sweep { x = [] }",
            d => WithAxes(d, List("x")) with { Command = new CommandSpec { Argv = ["echo"] } }, "the list is empty"),
        ["sweep: integer step 0"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 1, to = 5, step = 0 } }",
            d => WithAxes(d, new IntRangeAxis { Name = "x", From = 1, To = 5, Step = 0 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "step must not be 0"),
        ["sweep: integer range inverted"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 5, to = 1 } }",
            d => WithAxes(d, new IntRangeAxis { Name = "x", From = 5, To = 1 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "empty range: from 5 to 1 with step 1"),
        ["sweep: integer range with a negative step upwards"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 1, to = 5, step = -1 } }",
            d => WithAxes(d, new IntRangeAxis { Name = "x", From = 1, To = 5, Step = -1 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "with the negative step -1"),
        ["sweep: float step 0"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 0.5, to = 1.5, step = 0.0 } }",
            d => WithAxes(d, new FloatRangeAxis { Name = "x", From = 0.5, To = 1.5, Step = 0 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "step must not be 0"),
        ["sweep: float range inverted"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 1.5, to = 0.5, step = 0.25 } }",
            d => WithAxes(d, new FloatRangeAxis { Name = "x", From = 1.5, To = 0.5, Step = 0.25 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "empty range: from 1.5 to 0.5 with step 0.25"),
        ["sweep: float range with a negative step upwards"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 0.5, to = 1.5, step = -0.25 } }",
            d => WithAxes(d, new FloatRangeAxis { Name = "x", From = 0.5, To = 1.5, Step = -0.25 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "a negative step needs from > to"),
        ["sweep: zip of unequal lengths"] = new("work", _ => "command = [\"echo\"], sweep-mode = zip, sweep { a = [1, 2], b = [1] }",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo"] }, Sweep = new SweepSpec { Axes = [List("a", "1", "2"), List("b", "1")], Mode = SweepMode.Zip } },
            "sweep-mode = zip needs axes of equal length, got a = 2, b = 1"),
        ["limit: tasks per job"] = new("work", _ => "command = [\"echo\"], sweep { x { from = 1, to = 11 } }",
            d => WithAxes(d, new IntRangeAxis { Name = "x", From = 1, To = 11 }) with { Command = new CommandSpec { Argv = ["echo"] } },
            "the sweep has 11 tasks, more than the limit of 10", new ManifestOptions { MaxTasksPerJob = 10 }),
        ["limit: tasks per job, overflowing"] = new("work", _ => "command = [\"echo\"], sweep {\n a { from = 1, to = 9000000000000000000 }\n b { from = 1, to = 9000000000000000000 }\n }",
            d => WithAxes(d, new IntRangeAxis { Name = "a", From = 1, To = 9_000_000_000_000_000_000 }, new IntRangeAxis { Name = "b", From = 1, To = 9_000_000_000_000_000_000 })
                with { Command = new CommandSpec { Argv = ["echo"] } },
            "more than 9,223,372,036,854,775,806"),

        // File-lines axes
        ["file: empty name"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"\" } }",
            d => WithAxes(d, FileAxis(d, "")) with { Command = new CommandSpec { Argv = ["echo"] } }, "the file name is empty"),
        ["file: missing"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"missing.txt\" } }",
            d => WithAxes(d, FileAxis(d, "missing.txt")) with { Command = new CommandSpec { Argv = ["echo"] } }, "file not found"),
        ["file: a directory"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"sub\" } }",
            d => WithAxes(d, FileAxis(d, "sub")) with { Command = new CommandSpec { Argv = ["echo"] } }, "is a directory, not a file",
            Files: d => Directory.CreateDirectory(Path.Combine(d, "sub"))),
        ["file: a character device"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"/dev/null\" } }",
            d => WithAxes(d, new FileLinesAxis { Name = "x", Path = "/dev/null", LineCount = 1 }) with { Command = new CommandSpec { Argv = ["echo"] } }, "is a character device, not a regular file"),
        ["file: no non-blank lines"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"blank.txt\" } }",
            d => WithAxes(d, FileAxis(d, "blank.txt")) with { Command = new CommandSpec { Argv = ["echo"] } }, "has no non-blank lines",
            Files: d => File.WriteAllText(Path.Combine(d, "blank.txt"), "\n   \n\t\n")),
        ["file: a line too long"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"long.txt\" } }",
            d => WithAxes(d, FileAxis(d, "long.txt", 2)) with { Command = new CommandSpec { Argv = ["echo"] } }, "line 2 of",
            new ManifestOptions { MaxSweepLineBytes = 8 }, d => File.WriteAllText(Path.Combine(d, "long.txt"), "short\nmuch too long for eight\n")),
        ["file: not UTF-8"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"latin1.txt\" } }",
            d => WithAxes(d, FileAxis(d, "latin1.txt")) with { Command = new CommandSpec { Argv = ["echo"] } }, "UTF-8",
            Files: d => File.WriteAllBytes(Path.Combine(d, "latin1.txt"), [(byte)'c', 0xE9, (byte)'\n'])),
        ["file: a NUL byte"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"nul.txt\" } }",
            d => WithAxes(d, FileAxis(d, "nul.txt")) with { Command = new CommandSpec { Argv = ["echo"] } }, "NUL byte",
            Files: d => File.WriteAllBytes(Path.Combine(d, "nul.txt"), [(byte)'a', 0, (byte)'\n'])),
        ["file: more lines than the task limit"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"many.txt\" } }",
            d => WithAxes(d, FileAxis(d, "many.txt", 3)) with { Command = new CommandSpec { Argv = ["echo"] } }, "more than",
            new ManifestOptions { MaxTasksPerJob = 2 }, d => File.WriteAllText(Path.Combine(d, "many.txt"), "a\nb\nc\n")),

        // Environment and working directory
        ["env: a name with '='"] = new("work", _ => "command = [\"echo\"], env { \"A=B\" = \"1\" }",
            d => Work(d) with { Environment = new() { ["A=B"] = "1" } }, "'A=B' is not a valid environment variable name"),
        ["env: an empty name"] = new("work", _ => "command = [\"echo\"], env { \"\" = \"1\" }",
            d => Work(d) with { Environment = new() { [""] = "1" } }, "'' is not a valid environment variable name"),
        ["env: a null value"] = new("work", _ => "command = [\"echo\"], env { A = null }",
            d => Work(d) with { Environment = new() { ["A"] = null! } }, "expected a string value, got null"),
        ["workdir: empty"] = new("work", _ => "command = [\"echo\"], workdir = \"\"",
            d => Work(d) with { WorkingDirectory = "" }, "must not be empty (leave workdir out"),

        // Timeouts
        ["timeout: zero"] = new("work", _ => "command = [\"echo\"], timeout = 0s", d => Work(d) with { Timeout = TimeSpan.Zero }, "the timeout must be positive, got 0s"),
        ["timeout: negative"] = new("work", _ => "command = [\"echo\"], timeout = -1.5s", d => Work(d) with { Timeout = TimeSpan.FromSeconds(-1.5) }, "got -1.5s"),
        ["expected-duration: zero"] = new("work", _ => "command = [\"echo\"], expected-duration = 0s",
            d => Work(d) with { ExpectedDuration = TimeSpan.Zero }, "the expected duration must be positive"),

        // Retry
        ["cpus: 0"] = new("work", _ => "command = [\"echo\"], cpus = 0", d => Work(d) with { Cpus = 0 }, "must be at least 1 (the slots each task takes on a node), got 0"),
        ["cpus: negative"] = new("work", _ => "command = [\"echo\"], cpus = -2", d => Work(d) with { Cpus = -2 }, "got -2"),
        ["max-fails: 0"] = new("work", _ => "command = [\"echo\"], max-fails = 0", d => Work(d) with { MaxFails = 0 }, "must be at least 1 (the number of failed tasks that stops the job"),
        ["retry: max-attempts 0"] = new("work", _ => "command = [\"echo\"], retry { max-attempts = 0 }",
            d => Work(d) with { Retry = new RetryPolicy { MaxAttempts = 0 } }, "must be at least 1, got 0"),
        ["retry: max-attempts negative"] = new("work", _ => "command = [\"echo\"], retry { max-attempts = -3 }",
            d => Work(d) with { Retry = new RetryPolicy { MaxAttempts = -3 } }, "must be at least 1, got -3"),
        ["retry: exit code 0"] = new("work", _ => "command = [\"echo\"], retry { max-attempts = 2, exit-codes = [1, 0] }",
            d => Work(d) with { Retry = new RetryPolicy { MaxAttempts = 2, ExitCodes = [1, 0] } }, "exit code 0 means success"),
        ["retry: negative backoff"] = new("work", _ => "command = [\"echo\"], retry { backoff = -1s }",
            d => Work(d) with { Retry = new RetryPolicy { Backoff = TimeSpan.FromSeconds(-1) } }, "must not be negative, got -1s"),
        ["retry: negative max-backoff"] = new("work", _ => "command = [\"echo\"], retry { max-backoff = -2s }",
            d => Work(d) with { Retry = new RetryPolicy { MaxBackoff = TimeSpan.FromSeconds(-2) } }, "must not be negative, got -2s"),
        ["retry: max-backoff shorter than backoff"] = new("work", _ => "command = [\"echo\"], retry { backoff = 10s, max-backoff = 5s }",
            d => Work(d) with { Retry = new RetryPolicy { Backoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5) } }, "max-backoff (5s) is shorter than backoff (10s)"),

        // Output
        ["output: empty directory"] = new("work", _ => "command = [\"echo\"], output { directory = \"\" }",
            d => Work(d) with { Output = new OutputSpec { Directory = "" } }, "must not be empty"),
        ["output: a path component too long"] = new("work", d => $"command = [\"echo\"], output {{ directory = \"{d}/{LongComponent}\" }}",
            d => Work(d) with { Output = new OutputSpec { Directory = d + "/" + LongComponent } }, "a component of 256 bytes"),
        ["output: a path too long"] = new("work", d => $"command = [\"echo\"], output {{ directory = \"{d}/{DeepDirectory}\" }}",
            d => Work(d) with { Output = new OutputSpec { Directory = d + "/" + DeepDirectory } }, "choose a shorter output.directory"),

        // NUL characters and text that has no UTF-8 form
        ["text: NUL in an argument"] = new("work", _ => "command = [\"echo\", \"a\\u0000b\"]",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo", "a\0b"] } }, "NUL character"),
        ["text: NUL in an environment variable's name"] = new("work", _ => "command = [\"echo\"], env { \"A\\u0000B\" = \"1\" }",
            d => Work(d) with { Environment = new() { ["A\0B"] = "1" } }, "a key holds a NUL character"),
        ["text: NUL in a job name"] = new("\"w\\u0000x\"", _ => "command = [\"echo\", \"hi\"]", d => Work(d, "w\0x"), "a key holds a NUL character"),
        ["text: NUL in a sweep value"] = new("work", _ => "command = [\"echo\"], sweep { x = [\"a\\u0000\"] }",
            d => WithAxes(d, List("x", "a\0")) with { Command = new CommandSpec { Argv = ["echo"] } }, "NUL character"),
        ["text: NUL in workdir"] = new("work", d => $"command = [\"echo\"], workdir = \"{d}/a\\u0000b\"",
            d => Work(d) with { WorkingDirectory = d + "/a\0b" }, "NUL character"),
        ["text: NUL in output.directory"] = new("work", d => $"command = [\"echo\"], output {{ directory = \"{d}/a\\u0000b\" }}",
            d => Work(d) with { Output = new OutputSpec { Directory = d + "/a\0b" } }, "NUL character"),
        ["text: NUL in a file axis's file name"] = new("work", _ => "command = [\"echo\"], sweep { x { file = \"a\\u0000b.txt\" } }",
            d => WithAxes(d, FileAxis(d, "a\0b.txt")) with { Command = new CommandSpec { Argv = ["echo"] } }, "NUL character"),
        ["text: a lone surrogate in an argument"] = new("work", _ => "command = [\"echo\", \"a\\ud800b\"]",
            d => Work(d) with { Command = new CommandSpec { Argv = ["echo", "a\ud800b"] } }, "lone surrogate"),
    };

    public static TheoryData<string> RuleNames => new(Rules.Keys);

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void A_job_built_in_code_gets_the_messages_of_the_same_job_in_a_manifest(string rule)
    {
        var r = Rules[rule];
        using var dir = new TempManifestDir();
        r.Files?.Invoke(dir.Path);
        var hocon = $"jobs {{\n  {r.JobKey} {{\n    {r.Hocon(dir.Path)}\n  }}\n}}\n";

        var fromManifest = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText(hocon, "jobs.hocon", dir.Path, r.Options)).Errors;
        var fromCode = JobSpecValidator.Validate(r.Code(dir.Path), r.Options);
        foreach (var e in fromManifest) output.WriteLine("manifest: " + e);
        foreach (var e in fromCode) output.WriteLine("code:     " + e);

        Assert.Contains(fromManifest, e => e.Message.Contains(r.Expected, StringComparison.Ordinal));
        Assert.All(fromManifest, e => Assert.NotNull(e.Line));
        Assert.All(fromCode, e => Assert.Null(e.Line));
        Assert.All(fromCode, e => Assert.Equal("", e.File));
        Assert.Equal(Comparable(fromManifest), Comparable(fromCode));
    }

    [Fact]
    public void Every_rule_of_the_reference_is_written_both_ways()
    {
        // The groups of checks docs/manifest.md lists that a spec built in code can break.
        foreach (var group in new[] { "name:", "command:", "handler:", "handler-args:", "placeholder:", "sweep:", "limit:", "file:", "env:", "workdir:", "timeout:", "expected-duration:", "retry:", "cpus:", "max-fails:", "output:", "text:" })
            Assert.Contains(Rules.Keys, k => k.StartsWith(group, StringComparison.Ordinal));
    }

    /// <summary>What only code can get wrong: one bad member each, its key path, a fragment of its message.</summary>
    public static readonly Dictionary<string, (Func<string, JobSpec> Code, string KeyPath, string Expected)> CodeOnlyRules = new()
    {
        ["no name"] = (d => Work(d) with { Name = null! }, "jobs", "the job has no name (JobSpec.Name)"),
        ["no command"] = (d => Work(d) with { Command = null! }, "jobs.work", "missing command"),
        ["argv and shell command"] = (d => Work(d) with { Command = new CommandSpec { Argv = ["echo"], ShellCommand = "echo" } }, "jobs.work.command", "both Argv and ShellCommand are set"),
        ["null handler-args"] = (d => Work(d) with { Command = new CommandSpec { Handler = "noop", HandlerArgs = null! } }, "jobs.work.handler-args", "must not be null (CommandSpec.HandlerArgs)"),
        ["null sweep"] = (d => Work(d) with { Sweep = null! }, "jobs.work.sweep", "must not be null (JobSpec.Sweep"),
        ["null axes"] = (d => Work(d) with { Sweep = new SweepSpec { Axes = null! } }, "jobs.work.sweep", "must not be null (SweepSpec.Axes"),
        ["null axis"] = (d => Work(d) with { Sweep = new SweepSpec { Axes = [null!] } }, "jobs.work.sweep", "an axis is null"),
        ["axis without a name"] = (d => WithAxes(d, new ListAxis { Name = null!, Values = ["1"] }), "jobs.work.sweep", "an axis has no name (ListAxis.Name)"),
        ["two axes of one name"] = (d => WithAxes(d, List("x", "1"), new IntRangeAxis { Name = "x", From = 1, To = 2 }), "jobs.work.sweep.x", "two axes are named 'x'"),
        ["null list"] = (d => WithAxes(d, new ListAxis { Name = "x", Values = null! }), "jobs.work.sweep.x", "must not be null (ListAxis.Values)"),
        ["null list value"] = (d => WithAxes(d, List("x", "1", null!)), "jobs.work.sweep.x[1]", "list values must be strings, numbers or booleans, got null"),
        ["a float range of NaN"] = (d => WithAxes(d, new FloatRangeAxis { Name = "x", From = double.NaN, To = 1, Step = 0.5 }), "jobs.work.sweep.x", "empty range: from NaN to 1 with step 0.5"),
        ["unknown sweep mode"] = (d => Work(d) with { Sweep = new SweepSpec { Axes = [], Mode = (SweepMode)7 } }, "jobs.work.sweep-mode", "unknown sweep-mode '7'"),
        ["relative file"] = (d => WithAxes(d, new FileLinesAxis { Name = "x", Path = "inputs.txt", LineCount = 1 }), "jobs.work.sweep.x.file", "'inputs.txt' is a relative path"),
        ["wrong line count"] = (d => WithAxes(d, FileAxis(d, "three.txt", 2)), "jobs.work.sweep.x", "LineCount is 2, but " ),
        ["null file"] = (d => WithAxes(d, new FileLinesAxis { Name = "x", Path = null!, LineCount = 1 }), "jobs.work.sweep.x.file", "must not be null (FileLinesAxis.Path)"),
        ["null environment"] = (d => Work(d) with { Environment = null! }, "jobs.work.env", "must not be null (JobSpec.Environment)"),
        ["relative workdir"] = (d => Work(d) with { WorkingDirectory = "runs/${index}" }, "jobs.work.workdir", "'runs/${index}' is a relative path, and a job built in code has no manifest directory"),
        ["null retry"] = (d => Work(d) with { Retry = null! }, "jobs.work.retry", "must not be null (JobSpec.Retry"),
        ["null exit codes"] = (d => Work(d) with { Retry = new RetryPolicy { MaxAttempts = 2, ExitCodes = null! } }, "jobs.work.retry.exit-codes", "must not be null (RetryPolicy.ExitCodes"),
        ["null output"] = (d => Work(d) with { Output = null! }, "jobs.work.output", "must not be null (JobSpec.Output"),
        ["null output directory"] = (d => Work(d) with { Output = new OutputSpec { Directory = null! } }, "jobs.work.output.directory", "must not be null (OutputSpec.Directory)"),
        ["relative output directory"] = (d => Work(d) with { Output = new OutputSpec { Directory = "out" } }, "jobs.work.output.directory", "'out' is a relative path"),
        ["unknown capture"] = (d => Work(d) with { Output = new OutputSpec { Directory = d, Capture = (OutputCapture)9 } }, "jobs.work.output.capture", "unknown capture mode '9'; use one of: files, combined, none"),
        ["negative max bytes"] = (d => Work(d) with { Output = new OutputSpec { Directory = d, MaxBytesPerTask = -1 } }, "jobs.work.output.max-bytes-per-task", "the size must not be negative, got -1"),
    };

    public static TheoryData<string> CodeOnlyRuleNames => new(CodeOnlyRules.Keys);

    [Theory]
    [MemberData(nameof(CodeOnlyRuleNames))]
    public void What_only_code_can_get_wrong_is_reported_at_its_key(string rule)
    {
        var (code, keyPath, expected) = CodeOnlyRules[rule];
        using var dir = new TempManifestDir();
        dir.Write("three.txt", "a\nb\nc\n");
        var errors = JobSpecValidator.Validate(code(dir.Path));
        foreach (var e in errors) output.WriteLine(e.ToString());
        Assert.Contains(errors, e => e.KeyPath == keyPath && e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_spec_with_a_source_file_may_name_directories_relative_to_it()
    {
        using var dir = new TempManifestDir();
        var spec = Work(dir.Path) with
        {
            WorkingDirectory = "runs/${index}",
            Output = new OutputSpec { Directory = "${job}/out" },
            SourceFile = Path.Combine(dir.Path, "jobs.hocon"),
        };
        Assert.Empty(JobSpecValidator.Validate(spec));
        Assert.NotEmpty(JobSpecValidator.Validate(spec with { SourceFile = null }));
    }

    [Fact]
    public void Every_job_a_manifest_loads_passes_the_validator()
    {
        var examples = Path.Combine(ManifestAssert.RepositoryRoot(), "examples");
        var jobs = Directory.GetFiles(examples, "*.hocon").SelectMany(f => ManifestLoader.LoadFile(f).Jobs).ToList();
        using var dir = new TempManifestDir();
        dir.Write("lines.txt", "a\n\nb\n");
        // The forms the loader leaves relative or as templates: directories that start with a placeholder.
        jobs.AddRange(ManifestLoader.LoadText("""
            jobs {
              templated {
                command = ["echo", "${dir}"]
                sweep { dir = [a, /tmp/b], line { file = "lines.txt" } }
                workdir = "${dir}/run"
                output { directory = "${job}/results" }
              }
              shell {
                command = "echo ${x} $${HOME}"
                shell = true
                sweep { x { from = 0.5, to = 1.0, step = 0.25 } }
              }
              handled {
                handler = sleep
                handler-args { seconds = "0" }
                env { A = "${index}" }
                retry { max-attempts = 2, exit-codes = [3] }
              }
            }
            """, "jobs.hocon", dir.Path).Jobs);
        // With an output directory given on the command line.
        jobs.AddRange(ManifestLoader.LoadText("jobs { w { command = [\"true\"] } }", "jobs.hocon", dir.Path,
            new ManifestOptions { OutputDirectoryOverride = Path.Combine(dir.Path, "elsewhere/${job}") }).Jobs);

        Assert.True(jobs.Count >= 8, $"only {jobs.Count} jobs loaded");
        foreach (var job in jobs)
            Assert.True(JobSpecValidator.Validate(job).Count == 0, $"{job.Name}: {string.Join("; ", JobSpecValidator.Validate(job))}");
    }

    [Fact]
    public void The_exception_lists_every_error()
    {
        using var dir = new TempManifestDir();
        var spec = Work(dir.Path, "../escape") with { Retry = new RetryPolicy { MaxAttempts = 0 } };
        var ex = Assert.Throws<InvalidJobSpecException>(() => JobSpecValidator.EnsureValid(spec));
        Assert.Equal("../escape", ex.JobName);
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal(
            "job '../escape' is invalid (2 errors); nothing was submitted." + Environment.NewLine +
            "  jobs.\"../escape\": invalid job name '../escape': use only letters, digits, '_', '.' and '-'" + Environment.NewLine +
            "  jobs.\"../escape\".retry.max-attempts: must be at least 1, got 0",
            ex.Message);
    }

    /// <summary>Key path and message, in a stable order: the manifest's come in line order, the code's in reading order.</summary>
    private static List<string> Comparable(IEnumerable<ManifestError> errors) =>
        errors.Select(e => $"{e.KeyPath}: {e.Message}").Order(StringComparer.Ordinal).ToList();
}
