using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Tests.Manifest;

public class HoconLineLocatorTests
{
    private const string Text = """"
        # a comment with { braces } and "quotes"
        // another comment = { [
        jobs {
          work {
            command = ["python3", "work.py", "--time=${time}"]
            retry {
              max-attempts = 3   # trailing comment }
              exit-codes = [
                1,
                75
              ]
            }
            "quoted.key" = "value with \"escaped\" quotes and { } [ ] # not a comment"
            note = """
              triple { quoted
              } string "" with quotes
              """
            timeout = 30s
          }
          other.retry.max-attempts = 2
          other.output { capture = none }
          third { a = 1, b = { c = 2 } }
        }
        """";

    private readonly HoconLineLocator _locator = new(Text);

    [Theory]
    [InlineData("jobs", 3)]
    [InlineData("jobs.work", 4)]
    [InlineData("jobs.work.command", 5)]
    [InlineData("jobs.work.command[2]", 5)]
    [InlineData("jobs.work.retry", 6)]
    [InlineData("jobs.work.retry.max-attempts", 7)]
    [InlineData("jobs.work.retry.exit-codes", 8)]
    [InlineData("jobs.work.retry.exit-codes[1]", 8)]
    [InlineData("jobs.work.\"quoted.key\"", 13)]
    [InlineData("jobs.work.note", 14)]
    [InlineData("jobs.work.timeout", 18)]
    [InlineData("jobs.other", 20)]
    [InlineData("jobs.other.retry.max-attempts", 20)]
    [InlineData("jobs.other.output", 21)]
    [InlineData("jobs.other.output.capture", 21)]
    [InlineData("jobs.third.b.c", 22)]
    public void Finds_the_line_of_a_key(string path, int line) => Assert.Equal(line, _locator.FindLine(path));

    [Theory]
    [InlineData("jobs.missing")]
    [InlineData("jobs.work.retry.backoff")]
    [InlineData("work")]
    [InlineData("")]
    public void Unknown_paths_have_no_line(string path) => Assert.Null(_locator.FindLine(path));

    [Fact]
    public void Well_formed_text_has_no_problems() => Assert.Empty(_locator.Problems);

    [Fact]
    public void A_braced_root_and_separators_are_understood()
    {
        var l = new HoconLineLocator("{\n  a : {\n    b: 1\n  }\n  c += [x]\n}\n");
        Assert.Equal(2, l.FindLine("a"));
        Assert.Equal(3, l.FindLine("a.b"));
        Assert.Equal(5, l.FindLine("c"));
        Assert.Empty(l.Problems);
    }

    [Fact]
    public void The_last_definition_of_a_key_wins()
    {
        var l = new HoconLineLocator("a = 1\nb = 2\na = 3\n");
        Assert.Equal(3, l.FindLine("a"));
    }

    [Fact]
    public void Keys_inside_arrays_are_not_indexed()
    {
        var l = new HoconLineLocator("list = [\n  { inner = 1 }\n]\nafter = 2\n");
        Assert.Null(l.FindLine("inner"));
        Assert.Null(l.FindLine("list.inner"));
        Assert.Equal(4, l.FindLine("after"));
    }

    [Theory]
    [InlineData("a {\n  b = 1\n", 1, "never closed")]
    [InlineData("a = 1\n}\n", 2, "unexpected '}'")]
    [InlineData("a = [1,\n2\n", 1, "never closed")]
    [InlineData("a = \"open\nb = 2\n", 1, "unterminated")]
    [InlineData("a = \"\"\"never\n", 1, "unterminated triple")]
    public void Structural_problems_are_reported_with_their_line(string text, int line, string fragment)
    {
        var problem = Assert.Single(new HoconLineLocator(text).Problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(fragment, problem.Message);
    }

    [Fact]
    public void SplitPath_honours_quotes_and_indices() =>
        Assert.Equal(["jobs", "a.b", "command", "[2]"], HoconLineLocator.SplitPath("jobs.\"a.b\".command[2]"));
}
