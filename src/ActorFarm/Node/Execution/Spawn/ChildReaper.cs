using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ActorFarm.Node.Execution.Spawn;

/// <summary>
/// Reaps the children started by <see cref="PosixSpawn"/> with one thread for all of them: each
/// child gets a pidfd (Linux 5.3+), which becomes readable when the child exits, and the thread
/// waits on all the pidfds at once (epoll), then collects the exit status of the one that ended.
/// <see cref="System.Diagnostics.Process"/> reaps only the pids it started itself, so nothing else
/// in the process takes these children's statuses (unless SIGCHLD is ignored: see <see cref="ChildSignal"/>).
/// </summary>
internal sealed class ChildReaper
{
    private const int EpollCloseOnExec = 0x80000, EpollAdd = 1, EpollDelete = 2, EpollIn = 0x001, Interrupted = 4;
    private const long PidfdOpenSyscall = 434; // the same number on every Linux architecture
    private const int EventsPerWait = 64;

    private static readonly Lazy<ChildReaper> Instance = new(() => new ChildReaper());

    // epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly bool PackedEvents = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static readonly int EventSize = PackedEvents ? 12 : 16;
    private static readonly int EventDataOffset = PackedEvents ? 4 : 8;

    private readonly int _epoll;
    // Keyed by a token of its own, not by pidfd number: numbers are reused as soon as closed.
    private readonly ConcurrentDictionary<long, Child> _children = new();
    private long _lastToken;

    private ChildReaper()
    {
        ChildSignal.RestoreDefaultIfIgnored(); // late for Process (see ChildSignal) but in time for this
        _epoll = epoll_create1(EpollCloseOnExec);
        if (_epoll < 0) throw new IOException("epoll_create1 failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        new Thread(WaitForExits) { IsBackground = true, Name = "actorfarm-child-reaper" }.Start();
    }

    /// <summary>The process's reaper (its thread starts on first use).</summary>
    public static ChildReaper Shared => Instance.Value;

    /// <summary>
    /// Completes with the child's exit code when it ends (128 + the signal's number when a signal
    /// killed it, as <see cref="System.Diagnostics.Process.ExitCode"/> says), or null when its
    /// status could not be collected. Call it right after the spawn: the child stays a zombie,
    /// its pid unused by any other process, until this reaps it.
    /// </summary>
    public Task<int?> WatchAsync(int pid)
    {
        var pidfd = (int)syscall(PidfdOpenSyscall, pid, 0);
        if (pidfd < 0) return Task.FromResult(ReapNow(pid));
        var child = new Child(pid, pidfd, new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously));
        var token = Interlocked.Increment(ref _lastToken);
        _children[token] = child;
        var registration = Marshal.AllocHGlobal(EventSize);
        try
        {
            Marshal.WriteInt32(registration, 0, EpollIn);
            Marshal.WriteInt64(registration, EventDataOffset, token);
            if (epoll_ctl(_epoll, EpollAdd, pidfd, registration) != 0)
            {
                _children.TryRemove(token, out _);
                close(pidfd);
                return Task.FromResult(ReapNow(pid)); // not expected; waits for the child on this thread
            }
        }
        finally
        {
            Marshal.FreeHGlobal(registration);
        }
        return child.Exit.Task;
    }

    private void WaitForExits()
    {
        var events = Marshal.AllocHGlobal(EventSize * EventsPerWait);
        while (true)
        {
            var ready = epoll_wait(_epoll, events, EventsPerWait, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted) continue;
                return; // cannot happen with a valid epoll descriptor
            }
            for (var i = 0; i < ready; i++)
            {
                var token = Marshal.ReadInt64(events, i * EventSize + EventDataOffset);
                if (!_children.TryRemove(token, out var child)) continue;
                // Removed explicitly: a close alone leaves the registration in place while another
                // reference to the pidfd lives on, e.g. in the fd table of a child being spawned
                // on another thread between its vfork and its exec.
                epoll_ctl(_epoll, EpollDelete, child.Pidfd, IntPtr.Zero);
                close(child.Pidfd);
                child.Exit.TrySetResult(ReapNow(child.Pid));
            }
        }
    }

    /// <summary>Waits for the child and decodes its status; null if it was reaped elsewhere.</summary>
    private static int? ReapNow(int pid)
    {
        int result;
        int status;
        do result = waitpid(pid, out status, 0);
        while (result < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        if (result != pid) return null;
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private sealed record Child(int Pid, int Pidfd, TaskCompletionSource<int?> Exit);

    [DllImport("libc", SetLastError = true)] private static extern long syscall(long number, int pid, uint flags);
    [DllImport("libc", SetLastError = true)] private static extern int epoll_create1(int flags);
    [DllImport("libc", SetLastError = true)] private static extern int epoll_ctl(int epoll, int operation, int fd, IntPtr registration);
    [DllImport("libc", SetLastError = true)] private static extern int epoll_wait(int epoll, IntPtr events, int maxEvents, int timeout);
    [DllImport("libc", SetLastError = true)] private static extern int waitpid(int pid, out int status, int options);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
}
