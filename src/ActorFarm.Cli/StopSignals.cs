using System.Runtime.CompilerServices;

namespace ActorFarm.Cli;

/// <summary>When SIGTERM and Ctrl+C start being handled as an interruption (exit 130).</summary>
internal static class StopSignals
{
    /// <summary>
    /// Awaited first by every long-running command. System.CommandLine starts listening for
    /// SIGTERM and SIGINT (and cancels the command's token on them) only once the command's
    /// action has returned its task; everything the action did before its first real await
    /// (loading the manifest, creating the actor system: seconds on a loaded machine) ran with
    /// the runtime's default action, which ends the process with 143 and no word. Yielding at
    /// once makes that window a few microseconds.
    /// </summary>
    public static YieldAwaitable HandledFromHereOn() => Task.Yield();
}
