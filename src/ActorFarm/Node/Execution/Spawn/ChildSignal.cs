using System.Runtime.InteropServices;

namespace ActorFarm.Node.Execution.Spawn;

/// <summary>
/// SIGCHLD as the farm needs it. A process started with SIGCHLD ignored (inherited across exec
/// from whoever started it: some launchers and daemons do this) gets its children reaped by the
/// kernel, so no exit status can ever be collected: <see cref="System.Diagnostics.Process"/> waits
/// for ever and <see cref="ChildReaper"/> finds nothing to reap. The farm puts the default action back.
/// </summary>
internal static class ChildSignal
{
    private const int SigChld = 17;
    private static readonly IntPtr Ignore = 1, Default = 0;

    /// <summary>
    /// Back to the default action if SIGCHLD is ignored; nothing otherwise. Call it before the
    /// runtime's signal handling starts (it records the disposition it finds then): first thing in
    /// <c>Main</c>, before any <see cref="PosixSignalRegistration"/>, console or process use.
    /// </summary>
    public static void RestoreDefaultIfIgnored()
    {
        if (!OperatingSystem.IsLinux()) return;
        var action = Marshal.AllocHGlobal(256); // struct sigaction; the handler comes first
        try
        {
            if (sigaction(SigChld, IntPtr.Zero, action) == 0 && Marshal.ReadIntPtr(action) == Ignore)
                signal(SigChld, Default);
        }
        finally
        {
            Marshal.FreeHGlobal(action);
        }
    }

    [DllImport("libc", SetLastError = true)] private static extern int sigaction(int signal, IntPtr action, IntPtr oldAction);
    [DllImport("libc", SetLastError = true)] private static extern IntPtr signal(int signal, IntPtr handler);
}
