using System.Runtime.InteropServices;

namespace ActorFarm.Cli;

/// <summary>
/// The CLI's one owner of SIGTERM and SIGINT, from the first line of <c>Main</c> to the process's
/// end: a stop signal never gets the runtime's default action (exit 143 with no word, or a
/// shutdown racing the command's own), whether it comes while the arguments are parsed, while the
/// farm starts or mid-job. The first one cancels <see cref="Token"/>, which every command is given
/// and maps to its answer (130 "interrupted"; <c>node</c> drains and exits 0).
/// </summary>
/// <remarks>
/// Nothing else acts on these signals first. System.CommandLine's own handling is off
/// (<c>ProcessTerminationTimeout = null</c>): it listens only once a command's action has returned
/// its task, and everything before that ran with the default action. Akka's CLR shutdown hook is
/// off in the CLI's farms and clients (<c>hocon/cli.hocon</c>): it would run the coordinated
/// shutdown from the signal's thread ahead of the command, and a node would take its own leave for
/// a removal. The farm's listener (<c>FarmOptions.ObserveStopSignals</c>) only observes. Only a
/// signal before the runtime reaches <c>Main</c> is beyond reach.
/// </remarks>
internal static class StopSignals
{
    /// <summary>
    /// How long the command may take to stop after the first signal (<c>actorfarm.cli.stop-limit</c>
    /// in cli.hocon; a node's drain and leave fit well within it). Read when a signal comes, not at start.
    /// </summary>
    private static TimeSpan StopLimit => Hosting.FarmConfig.Embedded("cli.hocon").GetTimeSpan("actorfarm.cli.stop-limit");

    private static readonly CancellationTokenSource Stop = new();

    // Held for the life of the process: a registration that is collected stops listening, and a
    // signal while the process exits (Akka's exit hook may still be waiting) must not get the default action either.
    private static PosixSignalRegistration[]? _registrations;
    private static int _received;

    /// <summary>Starts listening; the first thing <c>Main</c> does.</summary>
    public static void Listen() =>
        _registrations ??= [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];

    /// <summary>Cancelled by the first SIGTERM or SIGINT.</summary>
    public static CancellationToken Token => Stop.Token;

    public static bool Received => Stop.IsCancellationRequested;

    /// <summary>
    /// What an exit without stopping (<see cref="ExitNow"/>) leaves behind, said after its reason:
    /// it differs by what the command runs, so each says its own (<see cref="EmbeddedFarm"/>,
    /// <see cref="RemoteClient"/>, <see cref="Node"/>). Set before the command starts its farm or
    /// connects, read only by the exit.
    /// </summary>
    public static volatile string Consequence = "Run the same command again.";

    /// <summary>The farm ran in this process: it stops with it; the journal holds what was done.</summary>
    public const string EmbeddedFarm =
        "The farm in this process stopped with it: finished tasks are journaled; run the same command again to run the rest.";

    /// <summary>A client of a farm elsewhere: the farm does not stop with it.</summary>
    public const string RemoteClient =
        "The farm itself was not stopped: the jobs it has go on while it runs.";

    /// <summary>A farm node: it leaves without its drain, so the farm takes it as lost.</summary>
    public const string Node =
        "This node left without draining: the farm takes it as lost, and the tasks it held run again on other nodes.";

    private static void OnSignal(PosixSignalContext context)
    {
        // The process stays alive: the command stops itself and returns its exit code.
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            // The commands' cancellation callbacks run on the thread pool, not on this signal thread.
            _ = Stop.CancelAsync();
            var limit = StopLimit;
            _ = Task.Delay(limit).ContinueWith(_ => ExitNow($"did not stop within {limit.TotalSeconds:0} s of the signal; exiting now."),
                TaskScheduler.Default);
            return;
        }
        // A second Ctrl+C is the user insisting. A second SIGTERM is not: SLURM and the launcher
        // may each send one to the same process, and a drain cut short would run its tasks again.
        if (context.Signal == PosixSignal.SIGINT)
            ExitNow("interrupted again; exiting now.");
    }

    /// <summary>
    /// Exit 130 at once, skipping the process-exit handlers: nothing more is waited for. The jobs
    /// resume as after a kill (the journal holds what was done); the task processes of a farm in
    /// this process die with it (its exit watchdog, see <c>FarmExitWatchdog</c>).
    /// </summary>
    private static void ExitNow(string why)
    {
        Output.CliLog.Error(why + " " + Consequence);
        Console.Out.Flush();
        Exit(ExitCodes.Interrupted);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);
}
