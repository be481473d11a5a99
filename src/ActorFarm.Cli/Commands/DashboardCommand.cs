using System.CommandLine;
using ActorFarm.Cli.Output;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm dashboard --cluster host:port [--dashboard [host:]port] [--read-only]</c>: serves
/// the web dashboard of a running farm from a process that only talks to it (a login node, a
/// laptop through a tunnel) until SIGTERM or Ctrl+C. Its token is derived from the client's
/// access file, so it is the same as the nodes' own dashboards.
/// </summary>
internal static class DashboardCommand
{
    public const string DefaultListen = "127.0.0.1:8265";

    public static Command Create()
    {
        var listen = CommonOptions.Dashboard(DefaultListen);
        var readOnly = CommonOptions.ReadOnlyDashboard();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var remote = new RemoteFarm(verbose);
        var command = new Command("dashboard", "Serve the live web dashboard of a running farm until SIGTERM or Ctrl+C.")
        {
            listen, readOnly, json, verbose, logFormat,
        };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            // A farm restarted while the dashboard runs is reached again (the page says meanwhile that it does not answer).
            return await remote.RunReconnectingAsync(parse, output, async client =>
            {
                var options = DashboardStart.Options(parse.GetValue(listen), parse.GetValue(readOnly), remote.AccessFilePath(parse))!;
                await using var server = await DashboardStart.TryStartAsync(client, options, output, showToken: true, ct);
                if (server is null) return ExitCodes.FarmError;
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    // SIGTERM or Ctrl+C: a dashboard's normal end.
                }
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }
}
