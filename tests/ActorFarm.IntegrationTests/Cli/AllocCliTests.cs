
namespace ActorFarm.IntegrationTests.Cli;

/// <summary><c>actorfarm alloc</c>: bad arguments are refused (exit 2, one line each) before any farm is contacted.</summary>
public class AllocCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("--max-nodes 0 --time 1h", "--max-nodes must be at least 1, got 0")]
    [InlineData("--max-nodes 2 --nodes-per-alloc 3 --time 1h", "--nodes-per-alloc (3) is more than --max-nodes (2)")]
    [InlineData("--max-nodes 2 --time soon", "--time: expected a duration such as \"30s\", got \"soon\"")]
    [InlineData("--max-nodes 2 --time 1h --idle-timeout 0s", "--idle-timeout: must be more than zero, got \"0s\"")]
    [InlineData("--max-nodes 2", "Option '--time' is required.")]
    public async Task Bad_queue_options_exit_2_and_name_the_option(string options, string error)
    {
        using var dir = new TempDirectory("actorfarm-alloc");
        // No farm listens there: a refusal must come before any attempt to reach it.
        string[] args = ["alloc", "add", "slurm", .. options.Split(' '), "--cluster", "127.0.0.1:9", "--insecure"];
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Limit, args);
        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains(error, stderr);
        Assert.Empty(stdout);
    }
}
