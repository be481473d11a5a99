using ActorFarm.Manifest;
using Xunit;
using Xunit.Abstractions;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

/// <summary>Whole-file problems: no jobs, HOCON syntax errors, missing files.</summary>
public class ManifestFileErrorTests(ITestOutputHelper output)
{
    private IReadOnlyList<ManifestError> Check(TempManifestDir dir, string hocon)
    {
        var errors = Errors(dir, hocon);
        foreach (var e in errors) output.WriteLine(e.ToString());
        return errors;
    }

    [Theory]
    [InlineData("", "jobs", null, "no jobs defined")]
    [InlineData("# nothing but a comment\n", "jobs", null, "no jobs defined")]
    [InlineData("jobs {\n}\n", "jobs", 1, "jobs { } is empty")]
    [InlineData("jobs = 5\n", "jobs", 1, "expected an object of jobs")]
    [InlineData("job { w { command = [\"true\"] } }\n", "job", 1, "did you mean 'jobs'?")]
    [InlineData("jobs { w = [1] }\n", "jobs.w", 1, "expected an object describing the job")]
    public void Missing_or_malformed_jobs_are_reported(string hocon, string keyPath, int? line, string fragment)
    {
        using var dir = new TempManifestDir();
        Has(Check(dir, hocon), keyPath, line, fragment);
    }

    [Fact]
    public void Hocon_syntax_errors_are_manifest_errors_with_lines()
    {
        using var dir = new TempManifestDir();

        // An unquoted placeholder is a HOCON substitution: the message says to quote it.
        var error = Assert.Single(Check(dir, "jobs {\n  w {\n    command = [\"echo\", ${time}]\n  }\n}\n"));
        Assert.Equal(3, error.Line);
        Assert.Contains("undefined HOCON substitution ${time}", error.Message);
        Assert.Contains("inside a quoted string", error.Message);

        error = Assert.Single(Check(dir, "jobs {\n  w {\n    command = [\"true\"]\n\n}\n"));
        Assert.Equal(1, error.Line);
        Assert.Contains("never closed", error.Message);

        error = Assert.Single(Check(dir, "jobs {\n  w { command = [\"a\n  }\n}\n}\n"));
        Assert.Equal(2, error.Line);
        Assert.Contains("unterminated quoted string", error.Message);

        error = Assert.Single(Check(dir, "jobs { w { command = [\"a\\qb\"] } }\n"));
        Assert.Contains("escape", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_missing_manifest_file_is_a_manifest_error()
    {
        using var dir = new TempManifestDir();
        var path = Path.Combine(dir.Path, "absent.hocon");
        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(path, error.File);
        Assert.Null(error.Line);
        Assert.Contains("not found", error.Message);

        ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(dir.Path));
        Assert.Contains("is a directory", Assert.Single(ex.Errors).Message);
    }
}
