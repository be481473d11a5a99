using ActorFarm.Dashboard;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>The dashboard options of the real <c>actorfarm</c> program.</summary>
public class DashboardCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static string Describe(RunResult run) =>
        $"exit {run.ExitCode}\n--- stdout ---\n{run.Stdout}\n--- stderr ---\n{run.Stderr}";

    [Fact]
    public async Task Run_with_a_dashboard_says_where_it_is_with_its_token_and_finishes_the_job()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs { watched { handler = noop, sweep { i = { from = 1, to = 50 } }, output { directory = "out" } } }
            """);

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--json", "--dashboard", "127.0.0.1:0");

        Assert.True(run.ExitCode == 0, Describe(run));
        var events = OutputStreams.AssertJsonLines(run.Stdout, Describe(run));
        var up = Assert.Single(events, e => e.GetProperty("event").GetString() == "dashboard-up");
        var url = new Uri(up.GetProperty("url").GetString()!);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
        Assert.StartsWith("?token=", url.Query);
        Assert.Equal("summary", events[^1].GetProperty("event").GetString());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1:99999")]
    public async Task A_malformed_dashboard_address_is_bad_input_and_nothing_starts(string address)
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, "jobs { j { handler = noop, sweep { i = [1] } } }");

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--dashboard", address);

        Assert.True(run.ExitCode == 2, Describe(run));
        Assert.Contains("--dashboard", run.Stderr);
        Assert.False(Directory.Exists(dir.File("state")), "a farm was started");
    }

    [Fact]
    public async Task The_dashboard_token_of_an_access_file_is_printed_alone_and_is_the_one_the_dashboards_use()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var access = dir.File("access.pem");
        var created = await FarmPrograms.RunCliAsync(dir.Path, Limit, "access", "--access-file", access);
        Assert.True(created.ExitCode == 0, Describe(created));

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit, "access", "--access-file", access, "--dashboard-token");

        Assert.True(run.ExitCode == 0, Describe(run));
        Assert.Equal(DashboardToken.For(access), run.Stdout.Trim());
    }

    [Fact]
    public async Task A_dashboard_token_of_a_missing_access_file_is_refused()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit, "access", "--access-file", dir.File("none.pem"), "--dashboard-token");
        Assert.True(run.ExitCode == 2, Describe(run));
        Assert.Empty(run.Stdout.Trim());
    }
}
