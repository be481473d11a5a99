using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using ActorFarm.Node.Execution;
using ActorFarm.Security;

namespace ActorFarm.Cli;

/// <summary>
/// Starts a farm process for <c>run</c>, <c>resume</c> and <c>node</c>, and turns whatever stops
/// it into one line and an exit code: the store refusing (in use, not a journal, no room: exit 3),
/// an interruption while starting (130), anything else (3).
/// </summary>
internal static class FarmStart
{
    /// <summary>The started farm, or null with the exit code after the error was written.</summary>
    public static async Task<(FarmHost? Host, int ExitCode)> TryStartAsync(FarmOptions options, IOutput output, string what,
        CancellationToken ct)
    {
        try
        {
            // A signal may have come while the command read its input: then nothing starts.
            ct.ThrowIfCancellationRequested();
            var host = await FarmHost.StartAsync(options, ct);
            // Once, on standard error: which handlers this process loaded, and from where.
            if (host.HandlerAssemblies.Count > 0)
                output.Notice("loaded handlers " + string.Join("; ",
                    host.HandlerAssemblies.Select(a => $"{string.Join(", ", a.Handlers)} from {a.Path}")));
            return (host, ExitCodes.Success);
        }
        catch (HandlerAssemblyException e)
        {
            // A missing file, no handler in it, a constructor that threw, a name taken twice, a
            // missing dependency: the user's to fix, and nothing was started.
            output.Error(e.Message, e);
            return (null, ExitCodes.BadInput);
        }
        catch (FarmStoreException e)
        {
            // Already one sentence naming the path and what to do (in use, not a journal, no room).
            output.Error(e.Message);
            return (null, ExitCodes.FarmError);
        }
        catch (AccessFileException e)
        {
            // The user's to fix (a file open to others, a wrong path): nothing was started.
            output.Error(e.Message);
            return (null, ExitCodes.BadInput);
        }
        catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
        {
            // SIGTERM or Ctrl+C while starting: an interruption like any other, whatever part of
            // the start-up it cut short.
            output.Error($"interrupted while the {what} was starting; nothing ran: run the same command again.");
            return (null, ExitCodes.Interrupted);
        }
        catch (Exception e)
        {
            output.Error($"the {what} could not start: {ErrorText.Cause(e)}", e);
            return (null, ExitCodes.FarmError);
        }
    }
}
