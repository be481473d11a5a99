using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Security;

namespace ActorFarm.Cli.Commands;

/// <summary>
/// <c>actorfarm access [--access-file PATH] [--rotate]</c>: makes sure the farm's access file
/// exists (writing it, mode 0600, when missing) and shows which farm it names. A farm's first
/// process writes it anyway; this is for creating it ahead of time and for rotation:
/// <c>--rotate</c> replaces it with a new credential, after which every process of the farm must
/// be restarted with the new file (docs/security.md).
/// </summary>
internal static class AccessCommand
{
    public static Command Create()
    {
        var file = CommonOptions.AccessFile();
        var rotate = new Option<bool>("--rotate")
        {
            Description = "Replace the file with a new credential; processes still holding the old one can no longer reach the farm once it restarts.",
        };
        var dashboardToken = new Option<bool>("--dashboard-token")
        {
            Description = "Print the token of this farm's dashboards (derived from the access file, the same for every process holding it) and nothing else.",
        };
        var state = CommonOptions.StateDirectory();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var logFormat = CommonOptions.LogFormat();
        var command = new Command("access", "Create (or show, or rotate) the farm's access file: the credential every node and client of a farm must hold.")
        {
            file, rotate, dashboardToken, state, json, verbose, logFormat,
        };
        command.SetAction(parse =>
        {
            var output = OutputFormat.For(parse.GetValue(json), parse.GetValue(verbose));
            var path = ExtraConfig.AccessPath(parse.GetValue(file), FarmAccess.DefaultPath(parse.GetValue(state)!.FullName));
            try
            {
                if (parse.GetValue(dashboardToken))
                {
                    // The file must be the farm's: a token from a new file would open nothing.
                    using var existing = AccessFileStore.Open(path, createIfMissing: false);
                    output.DashboardToken(Dashboard.DashboardToken.For(path));
                    return ExitCodes.Success;
                }
                if (parse.GetValue(rotate))
                {
                    using var rotated = AccessFileStore.Rotate(path);
                    output.AccessFile(path, rotated.Fingerprint, "rotated: restart every process of the farm with it");
                    return ExitCodes.Success;
                }
                var created = false;
                using var credential = AccessFileStore.Open(path, createIfMissing: true, _ => created = true);
                output.AccessFile(path, credential.Fingerprint, created ? "created" : "exists");
                return ExitCodes.Success;
            }
            catch (AccessFileException e)
            {
                output.Error(e.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                output.Error($"could not write the access file {path}: {e.Message}", e);
                return ExitCodes.FarmError;
            }
        });
        return command;
    }
}
