
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// <c>actorfarm config get</c>, on the real program: what the SLURM scripts ask the farm for
/// instead of repeating its timings (hocon/farm.hocon and cli.hocon own them).
/// </summary>
public class ConfigGetCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Prints_settings_one_line_each_in_whole_seconds_under_the_users_config()
    {
        using var dir = new TempDirectory("actorfarm-config-get");
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "config", "get", "--seconds", "actorfarm.node.drain-grace", "actorfarm.node.leave-at-drain-lead", "actorfarm.cli.stop-limit");
        Assert.True(exit == 0, stderr);
        Assert.Equal(["10", "7", "60"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A --config file wins, and a part of a second counts as a whole one (a wait is never cut short).
        var config = dir.File("farm.hocon");
        await File.WriteAllTextAsync(config, "actorfarm.node.drain-grace = 2500ms");
        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "config", "get", "--seconds", "actorfarm.node.drain-grace", "--config", config);
        Assert.True(exit == 0, stderr);
        Assert.Equal("3", stdout.Trim());

        (exit, stdout, _) = await FarmPrograms.RunCliAsync(dir.Path, Limit, "config", "get", "actorfarm.node.drain-grace");
        Assert.Equal((0, "10s"), (exit, stdout.Trim()));

        (exit, stdout, _) = await FarmPrograms.RunCliAsync(dir.Path, Limit, "config", "get", "--seconds", "--json", "actorfarm.node.drain-grace");
        Assert.Equal(0, exit);
        Assert.Equal("10", Assert.Single(JsonEvents.Named(stdout, "settings")).GetProperty("settings").GetProperty("actorfarm.node.drain-grace").GetString());
    }

    [Fact]
    public async Task An_unknown_setting_or_one_that_is_no_duration_is_bad_input_and_prints_nothing()
    {
        using var dir = new TempDirectory("actorfarm-config-get");
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit,
            "config", "get", "--seconds", "actorfarm.node.drain-grace", "actorfarm.node.no-such-thing");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal("actorfarm: no setting actorfarm.node.no-such-thing", stderr.Trim());

        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit, "config", "get", "--seconds", "akka.cluster.roles");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("actorfarm: akka.cluster.roles is not a duration", stderr.Trim());
    }
}
