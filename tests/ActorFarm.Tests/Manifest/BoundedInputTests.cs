using System.Text;
using ActorFarm.Manifest;
using Xunit;
using Xunit.Abstractions;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

/// <summary>
/// Input that once hung the loader or ate memory is refused at once, naming file, key path and
/// line: devices and FIFOs, oversized files and lines, deep nesting, <c>${?x}</c>, NUL and
/// invalid UTF-8. (The end-to-end versions through the real CLI are in Cli/BoundedInputCliTests.)
/// </summary>
public class BoundedInputTests(ITestOutputHelper output)
{
    /// <summary>Only against a hang: a refusal takes milliseconds.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private IReadOnlyList<ManifestError> Check(TempManifestDir dir, string hocon, ManifestOptions? options = null)
    {
        var errors = Errors(dir, hocon, options);
        foreach (var e in errors) output.WriteLine(e.ToString());
        return errors;
    }

    private static ManifestError LoadFails(string path, ManifestOptions? options = null) =>
        Assert.Single(Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path, options)).Errors);

    [Fact]
    public void A_character_device_is_not_read_as_a_manifest()
    {
        var error = LoadFails("/dev/zero");
        Assert.Contains("/dev/zero is a character device, not a regular file", error.Message);
    }

    [Fact]
    public async Task A_fifo_is_not_opened_as_a_manifest()
    {
        using var dir = new TempManifestDir();
        var fifo = MakeFifo(dir, "jobs.fifo");
        // Opening a FIFO without a writer blocks for ever: the load must not even try.
        var refused = await Task.Run(() => Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(fifo))).WaitAsync(Guard);
        Assert.Contains("is a FIFO (named pipe), not a regular file", Assert.Single(refused.Errors).Message);
    }

    [Fact]
    public void A_manifest_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("big.hocon", "jobs { w { command = [\"true\"] } }\n" + new string('#', 5000) + "\n");
        var error = LoadFails(path, new ManifestOptions { MaxManifestBytes = 4096 });
        Assert.Contains("more than the limit of 4,096 bytes", error.Message);
        Assert.Contains("MaxManifestBytes", error.Message);
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_in_the_file_are_reported_with_their_line()
    {
        using var dir = new TempManifestDir();
        var latin1 = Path.Combine(dir.Path, "latin1.hocon");
        File.WriteAllBytes(latin1, [.. "jobs {\n  w {\n    command = [\"echo\", \"caf"u8, 0xE9, .. "\"]\n  }\n}\n"u8]);
        var error = LoadFails(latin1);
        Assert.Equal(3, error.Line);
        Assert.Contains("not valid UTF-8", error.Message);

        var nul = Path.Combine(dir.Path, "nul.hocon");
        File.WriteAllBytes(nul, [.. "jobs {\n  w {\n    command = [\"echo\", \"a"u8, 0, .. "b\"]\n  }\n}\n"u8]);
        error = LoadFails(nul);
        Assert.Equal(3, error.Line);
        Assert.Contains("NUL byte", error.Message);
    }

    [Fact]
    public void A_nul_written_as_an_escape_is_refused_at_its_key()
    {
        using var dir = new TempManifestDir();
        var errors = Check(dir, "jobs {\n  w {\n    command = [\"echo\", \"a\\u0000b\"]\n    env { X = \"\\u0000\" }\n  }\n}\n");
        Has(errors, "jobs.w.command[1]", 3, "NUL character");
        Has(errors, "jobs.w.env.X", 4, "NUL character");
    }

    [Theory]
    [InlineData("jobs {\n  w {\n    command = [\"echo\", ${?HOME}]\n  }\n}\n", "jobs.w.command", 3, "${?HOME}")]
    [InlineData("jobs {\n  w {\n    command = [\"echo\"]\n    sweep { a = [{ b = ${?X} }] }\n  }\n}\n", "jobs.w.sweep.a", 4, "${?X}")]
    [InlineData("jobs {\n  w {\n    command = [\"echo\"]\n    timeout = ${?T}\n  }\n}\n", "jobs.w.timeout", 4, "${?T}")]
    public async Task Optional_substitutions_are_refused_before_the_hocon_parser_sees_them(string hocon, string keyPath, int line, string text)
    {
        // Akka's parser never returns from the first two (it allocates until memory runs out):
        // run the load where a hang fails the test instead of the test host.
        using var dir = new TempManifestDir();
        var path = dir.Write("jobs.hocon", hocon);
        var locator = new HoconLineLocator(hocon);
        var found = Assert.Single(locator.OptionalSubstitutions);
        Assert.Equal((line, text), (found.Line, found.Text));

        var refused = await Task.Run(() => Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path))).WaitAsync(Guard);
        var error = Assert.Single(refused.Errors);
        Assert.Equal((keyPath, (int?)line), (error.KeyPath, error.Line));
        Assert.Contains($"optional substitution {text} is not supported", error.Message);
    }

    [Theory]
    [InlineData('{', '}', "a = ", 2)] // x = {, a = {, a = {: each key is a level
    [InlineData('[', ']', "", 1)]     // x = [, [, [: the key x and each list are levels
    public void Nesting_deeper_than_the_limit_is_refused_with_its_line(char open, char close, string key, int firstLine)
    {
        using var dir = new TempManifestDir();
        int depth = ManifestLimits.MaxNestingDepth + 8;
        var opening = string.Concat(Enumerable.Repeat(open + "\n" + key, depth));
        var hocon = "jobs { w { command = [\"true\"] } }\nx = " + opening + new string(close, depth) + "\n";
        var error = Assert.Single(Check(dir, hocon));
        Assert.Contains($"nests deeper than {ManifestLimits.MaxNestingDepth} levels", error.Message);
        Assert.Equal(firstLine + ManifestLimits.MaxNestingDepth, error.Line);
    }

    [Fact]
    public void Dotted_keys_count_towards_the_nesting_limit()
    {
        using var dir = new TempManifestDir();
        var hocon = "jobs { w { command = [\"true\"] } }\nx" + string.Concat(Enumerable.Repeat(".a", 40)) + " = 1\n";
        var error = Assert.Single(Check(dir, hocon));
        Assert.Equal(2, error.Line);
        Assert.Contains("nests deeper than", error.Message);
    }

    [Fact]
    public void Locating_keys_costs_memory_linear_in_the_depth()
    {
        // A key path is a chain of tree nodes, never a joined string per level: allocation for a
        // deep text stays a small multiple of the text (it was quadratic: 1.6 GB for 20,000 levels, 100 MB for 5,000).
        var text = "x" + string.Concat(Enumerable.Repeat(".a", 5_000)) + " = 1\n";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var locator = new HoconLineLocator(text);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEmpty(locator.Problems);
        Assert.True(allocated < 64L * text.Length, $"allocated {allocated:N0} bytes for {text.Length:N0} characters");
    }

    [Fact]
    public async Task A_file_lines_sweep_over_a_device_or_a_fifo_is_refused()
    {
        using var dir = new TempManifestDir();
        var fifo = MakeFifo(dir, "lines.fifo");
        var errors = await Task.Run(() => Errors(dir, $$"""
            jobs {
              w {
                command = ["echo", "${z}", "${f}"]
                sweep {
                  z = { file = "/dev/zero" }
                  f = { file = "{{fifo}}" }
                }
              }
            }
            """)).WaitAsync(Guard);
        Has(errors, "jobs.w.sweep.z.file", 5, "/dev/zero is a character device, not a regular file");
        Has(errors, "jobs.w.sweep.f.file", 6, "is a FIFO (named pipe), not a regular file");
    }

    [Fact]
    public void A_line_over_the_limit_is_refused_with_its_number()
    {
        using var dir = new TempManifestDir();
        dir.Write("lines.txt", "short\n\n" + new string('x', 300) + "\nafter\n");
        var hocon = "jobs {\n  w {\n    command = [\"echo\", \"${l}\"]\n    sweep { l = { file = \"lines.txt\" } }\n  }\n}\n";
        var errors = Check(dir, hocon, new ManifestOptions { MaxSweepLineBytes = 256 });
        Has(errors, "jobs.w.sweep.l.file", 4, "line 3 of", "is longer than 256 bytes");

        // The default limit (64 KiB) lets it through.
        Assert.Equal(3, SingleJob(dir, hocon).TaskCount);
    }

    [Fact]
    public void Lines_with_nul_or_invalid_utf8_are_refused_with_their_number()
    {
        using var dir = new TempManifestDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "nul.txt"), [.. "a\nb"u8, 0, .. "\n"u8]);
        File.WriteAllBytes(Path.Combine(dir.Path, "latin1.txt"), [.. "a\n\nb\ncaf"u8, 0xE9, .. "\n"u8]);
        var errors = Check(dir, "jobs {\n  w {\n    command = [\"echo\", \"${n}\", \"${l}\"]\n    sweep {\n      n = { file = \"nul.txt\" }\n      l = { file = \"latin1.txt\" }\n    }\n  }\n}\n");
        Has(errors, "jobs.w.sweep.n.file", 5, "line 2 of", "NUL byte");
        Has(errors, "jobs.w.sweep.l.file", 6, "line 4 of", "not valid UTF-8");
    }

    [Fact]
    public void A_big_file_of_short_lines_is_indexed_not_held()
    {
        // 64 MiB of 8-byte lines: 8 million lines. Held as strings they took ~2.6 times the file
        // (about 390 MB allocated here); the index is 16 bytes per 4 KiB.
        using var dir = new TempManifestDir();
        var path = Path.Combine(dir.Path, "many.txt");
        const int lines = 8 * 1024 * 1024;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var line = new byte[8];
            for (int i = 0; i < lines; i++)
            {
                Encoding.ASCII.GetBytes((i % 10_000_000).ToString("D7"), line);
                line[7] = (byte)'\n';
                file.Write(line);
            }
        }
        var hocon = "jobs { w { command = [\"echo\", \"${l}\"], sweep { l = { file = \"many.txt\" } } } }";

        long before = GC.GetAllocatedBytesForCurrentThread();
        var job = SingleJob(dir, hocon);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(lines, job.TaskCount);
        Assert.True(allocated < 16L * 1024 * 1024, $"loading allocated {allocated:N0} bytes for a 64 MiB file");
        Assert.Equal("0000000", TaskRenderer.Render(job, 0, 1, "n").Argv![1]);
        Assert.Equal("5000000", TaskRenderer.Render(job, 5_000_000, 1, "n").Argv![1]);
        Assert.Equal((lines - 1).ToString("D7"), TaskRenderer.Render(job, lines - 1, 1, "n").Argv![1]);
    }

    internal static string MakeFifo(TempManifestDir dir, string name)
    {
        var path = Path.Combine(dir.Path, name);
        ChildProcess.RunCheckedAsync("mkfifo", [path], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        return path;
    }
}
