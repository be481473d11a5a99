using ActorFarm.Cli.Output;
using ActorFarm.Dashboard;
using ActorFarm.Hosting;
using ActorFarm.Logs;

namespace ActorFarm.Cli;

/// <summary>
/// Starts the dashboard of <c>run</c>, <c>node</c> and <c>dashboard</c> beside the farm client
/// and says where it is: the address with its token where only the user reads the output (a
/// terminal command), without it where others may (a node's output in a SLURM job file), which
/// then names the command that prints the token.
/// </summary>
internal static class DashboardStart
{
    /// <summary>The options for <c>--dashboard</c> (null: not asked); the token is derived from the access file when there is one.</summary>
    public static DashboardOptions? Options(string? listen, bool readOnly, string? accessFile) =>
        listen is null ? null : new DashboardOptions
        {
            Listen = listen,
            ReadOnly = readOnly,
            AccessToken = DashboardToken.For(accessFile),
        };

    /// <summary>The started dashboard, or null after writing why it could not start.</summary>
    public static async Task<DashboardServer?> TryStartAsync(IFarmClient farm, DashboardOptions options, IOutput output, bool showToken,
        CancellationToken ct)
    {
        try
        {
            var server = await DashboardServer.StartAsync(farm, options, ct);
            output.DashboardUp(showToken ? server.OpenAddress : server.Address, showToken, options.ReadOnly);
            return server;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            output.Error(ErrorText.Cause(e), e);
            return null;
        }
    }
}
