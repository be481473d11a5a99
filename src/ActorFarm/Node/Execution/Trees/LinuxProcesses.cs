using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorFarm.Node.Execution.Trees;

/// <summary>The few Linux calls the process-tree code needs: signals, execute checks, /proc.</summary>
internal static class LinuxProcesses
{
    private const int SigKill = 9;

    /// <summary>SIGKILL to one process; false if it was already gone (or not ours to kill).</summary>
    public static bool KillHard(int pid) => pid > 1 && pid != Environment.ProcessId && Kill(pid, SigKill) == 0;

    /// <summary>Whether execve would accept <paramref name="path"/>, or the reason it would not (strerror text).</summary>
    public static string? ExecuteError(string path)
    {
        if (Directory.Exists(path)) return Marshal.GetPInvokeErrorMessage(13); // EACCES, as execve says
        return Access(path, 1 /* X_OK */) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }

    /// <summary>The pids in /proc; a process can vanish at any moment after this.</summary>
    public static IEnumerable<int> AllPids()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var entry in entries)
            if (int.TryParse(Path.GetFileName(entry.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                yield return pid;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}
