using System.ComponentModel;
using System.Diagnostics;

namespace ActorFarm.Node.Execution.Trees;

/// <summary>
/// A small shell process that outlives the farm to kill what the farm could not: it waits on a
/// pipe from the farm, and end of input (the farm disposed its trees, exited, or was SIGKILLed:
/// the kernel closes the pipe in every case) runs its clean-up script. A SIGKILLed farm cannot
/// kill its tasks itself, and PR_SET_PDEATHSIG reaches only direct children, never the
/// grandchildren that called <c>setsid</c>.
/// </summary>
internal sealed class FarmExitWatchdog : IDisposable
{
    /// <summary>
    /// Ctrl+C, scancel and the like signal the farm's whole process group; the watchdog ignores
    /// them so that it is still there when the farm is gone. It writes nothing anywhere.
    /// </summary>
    private const string Prologue = "trap '' INT TERM HUP QUIT; exec >/dev/null 2>&1; read _ ; ";

    private readonly Process _process;

    private FarmExitWatchdog(Process process) => _process = process;

    /// <summary>Starts the watchdog; <paramref name="script"/> runs (with <c>$0</c> = <paramref name="argument"/>) once the farm is gone.</summary>
    public static FarmExitWatchdog? Start(string script, string argument)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Prologue + script);
        info.ArgumentList.Add(argument);
        try
        {
            return new FarmExitWatchdog(Process.Start(info)!);
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The watchdog's pid, for tests.</summary>
    public int Pid => _process.Id;

    /// <summary>Closes the pipe: the watchdog runs its script (by then finding nothing to do) and exits.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The watchdog is already gone.
        }
        _process.Dispose();
    }
}
