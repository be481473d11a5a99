using ActorFarm.Manifest;
using Xunit;
using static ActorFarm.Testing.ManifestAssert;

namespace ActorFarm.Tests.Manifest;

/// <summary>
/// A comma after an object value (<c>key { ... },</c>) is valid HOCON that users write; Akka's
/// parser alone refuses it ("Unknown token"), so the loader accepts it with HOCON's meaning.
/// </summary>
public class HoconCommaTests
{
    [Fact]
    public void A_comma_after_an_object_value_inside_a_job_separates_fields()
    {
        using var dir = new TempManifestDir();
        var job = SingleJob(dir, """
            jobs {
              work {
                handler-args { s = "1" }, handler = noop
                env { A = "x" },
                retry { max-attempts = 3 },
                sweep { a = { from = 1, to = 3 }, b = [x, y] },
                output { directory = "out" },
              }
            }
            """);

        Assert.Equal("noop", job.Command.Handler);
        Assert.Equal(new Dictionary<string, string> { ["s"] = "1" }, job.Command.HandlerArgs);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "x" }, job.Environment);
        Assert.Equal(3, job.Retry.MaxAttempts);
        Assert.Equal(6, job.TaskCount);
        Assert.Equal(Path.Combine(dir.Path, "out"), job.Output.Directory);
    }

    [Fact]
    public void A_comma_between_jobs_separates_them_on_one_line_or_across_lines()
    {
        using var dir = new TempManifestDir();
        var manifest = Load(dir, """
            jobs { first { handler = noop }, second { handler = noop } }
            """);
        Assert.Equal(["first", "second"], manifest.Jobs.Select(j => j.Name));

        var multiline = Load(dir, """
            jobs {
              first { handler = noop },
              second {
                handler = noop
              }
              ,
              third { handler = noop },
            },
            """);
        Assert.Equal(["first", "second", "third"], multiline.Jobs.Select(j => j.Name));
    }

    [Fact]
    public void Commas_between_list_items_and_before_an_object_are_not_taken_for_field_separators()
    {
        Assert.Empty(new HoconLineLocator("l = [ { a = 1 }, { b = 2 } ], z = 3").CommasAfterObjects);
        Assert.Empty(new HoconLineLocator("a { x = 1 }, { y = 2 }").CommasAfterObjects);
        Assert.Equal([11], new HoconLineLocator("a { x = 1 }, b = 2").CommasAfterObjects);
        // Akka reads the comma after `key = { }` itself (a space there would run `b` into the value).
        Assert.Empty(new HoconLineLocator("a = { x = 1 }, b = { y = 2 }").CommasAfterObjects);
    }

    [Fact]
    public void An_error_after_such_commas_still_names_its_own_line()
    {
        using var dir = new TempManifestDir();
        var error = Assert.Single(Errors(dir, """
            jobs {
              first { handler = noop },
              second { handler = noop },
              third { handler = noop }, { handler = noop }
            }
            """));
        Assert.Equal(4, error.Line);
        Assert.StartsWith("HOCON syntax error", error.Message);
    }
}
