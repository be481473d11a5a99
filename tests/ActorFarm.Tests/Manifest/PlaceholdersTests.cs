using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Tests.Manifest;

public class PlaceholdersTests
{
    private static readonly Dictionary<string, string> Values = new() { ["time"] = "0.5", ["seed"] = "7", ["empty"] = "" };

    [Theory]
    [InlineData("--time=${time}", "--time=0.5")]
    [InlineData("${seed}${time}", "70.5")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("a${empty}b", "ab")]
    [InlineData("cost: $5, $HOME, $", "cost: $5, $HOME, $")]
    [InlineData("$${time}", "${time}")]
    [InlineData("$${time} is ${time}", "${time} is 0.5")]
    [InlineData("$$${time}", "$${time}")] // left to right: "$", then the escape "$${"
    [InlineData("{time}", "{time}")]
    public void Expand_substitutes_and_unescapes(string template, string expected) =>
        Assert.Equal(expected, Placeholders.Expand(template, Values));

    [Fact]
    public void Expand_returns_the_template_itself_when_there_is_nothing_to_do()
    {
        const string template = "plain";
        Assert.Same(template, Placeholders.Expand(template, Values));
    }

    [Fact]
    public void Undefined_placeholder_is_named()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => Placeholders.Expand("--x=${nope}", Values));
        Assert.Contains("${nope}", ex.Message);
    }

    [Theory]
    [InlineData("--x=${unterminated")]
    [InlineData("--x=${}")]
    public void Malformed_placeholders_are_format_errors(string template)
    {
        Assert.Throws<FormatException>(() => Placeholders.Expand(template, Values));
        Assert.Throws<FormatException>(() => Placeholders.NamesIn(template).ToList());
        Assert.NotNull(Placeholders.SyntaxError(template));
    }

    [Fact]
    public void NamesIn_lists_placeholders_in_order_and_skips_escapes()
    {
        Assert.Equal(["a", "b", "a"], Placeholders.NamesIn("${a}-$${skip}-${b}/${a}"));
        Assert.Empty(Placeholders.NamesIn("$HOME $${x}"));
        Assert.Equal(-1, Placeholders.FirstPlaceholderAt("$${x}"));
        Assert.Equal(5, Placeholders.FirstPlaceholderAt("runs/${x}"));
    }

    [Fact]
    public void Built_ins_are_known()
    {
        Assert.Equal(["index", "job", "attempt", "node"], Placeholders.BuiltInNames);
        Assert.True(Placeholders.IsBuiltIn("attempt"));
        Assert.False(Placeholders.IsBuiltIn("time"));
    }
}
