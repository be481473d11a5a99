using System.Runtime.InteropServices;

namespace ActorFarm.Node.Execution.Spawn;

/// <summary>
/// Starts a program with glibc's <c>posix_spawn</c> (a <c>vfork</c> and <c>exec</c>, no copy of
/// the farm's memory) whose stdin, stdout and stderr are files the caller opened (or
/// <c>/dev/null</c>): no pipes, no reads. Every signal goes back to its default action and none
/// is blocked in the child, as <see cref="System.Diagnostics.Process"/> does (the runtime ignores
/// SIGPIPE, which a child must not inherit). The child stays in the farm's process group.
/// </summary>
internal static class PosixSpawn
{
    // glibc's posix_spawnattr_setflags flags.
    private const short SetSignalDefaults = 0x04, SetSignalMask = 0x08;
    private const int ReadOnly = 0;

    // Opaque glibc structures, allocated with room to spare (x86-64: 80, 336 and 128 bytes).
    private const int FileActionsSize = 256, AttributesSize = 1024, SignalSetSize = 256;

    private static readonly Lazy<string?> WhyUnavailable = new(FindWhyUnavailable);

    /// <summary>Null when this process can spawn so (Linux, glibc with <c>posix_spawn_file_actions_addchdir_np</c>), else why not.</summary>
    public static string? Unavailable => WhyUnavailable.Value;

    /// <summary>
    /// Starts <paramref name="program"/> (a path) with <paramref name="argv"/> (argv[0] included)
    /// and <paramref name="environment"/> (NAME=value entries) in <paramref name="workingDirectory"/>
    /// (null: the farm's), stdout and stderr on the given descriptors. Returns the child's pid, or
    /// -1 with the errno of the failure (a failed exec included: glibc reports it here).
    /// </summary>
    public static int Start(string program, IReadOnlyList<string> argv, IReadOnlyList<string> environment,
        string? workingDirectory, int stdoutFd, int stderrFd, out int errno)
    {
        var attributes = Attributes.Value;
        if (attributes.Error != 0)
        {
            errno = attributes.Error;
            return -1;
        }
        var fileActions = Marshal.AllocHGlobal(FileActionsSize);
        var argvBlock = NativeStrings.From(argv);
        var environmentBlock = NativeStrings.From(environment);
        var fileActionsReady = false;
        try
        {
            errno = posix_spawn_file_actions_init(fileActions);
            if (errno != 0) return -1;
            fileActionsReady = true;

            // stdin reads end of file at once; a working directory the child enters before exec.
            errno = posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", ReadOnly, 0);
            if (errno == 0) errno = posix_spawn_file_actions_adddup2(fileActions, stdoutFd, 1);
            if (errno == 0) errno = posix_spawn_file_actions_adddup2(fileActions, stderrFd, 2);
            if (errno == 0 && !string.IsNullOrEmpty(workingDirectory))
                errno = posix_spawn_file_actions_addchdir_np(fileActions, workingDirectory);
            if (errno != 0) return -1;

            errno = posix_spawn(out var pid, program, fileActions, attributes.Pointer, argvBlock.Pointer, environmentBlock.Pointer);
            return errno == 0 ? pid : -1;
        }
        finally
        {
            if (fileActionsReady) posix_spawn_file_actions_destroy(fileActions);
            Marshal.FreeHGlobal(fileActions);
            argvBlock.Dispose();
            environmentBlock.Dispose();
        }
    }

    /// <summary>
    /// The same for every child (all signals at their default action, none blocked), so made once
    /// and kept for the life of the process; posix_spawn only reads it.
    /// </summary>
    private static readonly Lazy<(IntPtr Pointer, int Error)> Attributes = new(() =>
    {
        var attributes = Marshal.AllocHGlobal(AttributesSize);
        var signals = Marshal.AllocHGlobal(SignalSetSize);
        try
        {
            var error = posix_spawnattr_init(attributes);
            if (error != 0) return (IntPtr.Zero, error);
            sigfillset(signals);
            error = posix_spawnattr_setsigdefault(attributes, signals);
            sigemptyset(signals);
            if (error == 0) error = posix_spawnattr_setsigmask(attributes, signals);
            if (error == 0) error = posix_spawnattr_setflags(attributes, SetSignalDefaults | SetSignalMask);
            return (attributes, error);
        }
        finally
        {
            Marshal.FreeHGlobal(signals);
        }
    });

    private static string? FindWhyUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc)) return "no glibc (libc.so.6)";
        // glibc 2.29 and later; musl and older glibc fall back to System.Diagnostics.Process.
        return NativeLibrary.TryGetExport(libc, "posix_spawn_file_actions_addchdir_np", out _)
            ? null
            : "glibc has no posix_spawn_file_actions_addchdir_np (before 2.29)";
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int posix_spawn(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        IntPtr fileActions, IntPtr attributes, IntPtr argv, IntPtr environment);

    [DllImport("libc")] private static extern int posix_spawn_file_actions_init(IntPtr fileActions);
    [DllImport("libc")] private static extern int posix_spawn_file_actions_destroy(IntPtr fileActions);
    [DllImport("libc")] private static extern int posix_spawn_file_actions_adddup2(IntPtr fileActions, int fd, int newFd);
    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addopen(IntPtr fileActions, int fd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);
    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addchdir_np(IntPtr fileActions, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport("libc")] private static extern int posix_spawnattr_init(IntPtr attributes);
    [DllImport("libc")] private static extern int posix_spawnattr_setflags(IntPtr attributes, short flags);
    [DllImport("libc")] private static extern int posix_spawnattr_setsigdefault(IntPtr attributes, IntPtr signals);
    [DllImport("libc")] private static extern int posix_spawnattr_setsigmask(IntPtr attributes, IntPtr signals);
    [DllImport("libc")] private static extern int sigfillset(IntPtr signals);
    [DllImport("libc")] private static extern int sigemptyset(IntPtr signals);

    /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in native memory.</summary>
    private readonly struct NativeStrings : IDisposable
    {
        private readonly IntPtr[] _strings;

        private NativeStrings(IntPtr[] strings, IntPtr pointer)
        {
            _strings = strings;
            Pointer = pointer;
        }

        public IntPtr Pointer { get; }

        public static NativeStrings From(IReadOnlyList<string> values)
        {
            var strings = new IntPtr[values.Count];
            var pointer = Marshal.AllocHGlobal(IntPtr.Size * (values.Count + 1));
            for (var i = 0; i < values.Count; i++)
            {
                strings[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
                Marshal.WriteIntPtr(pointer, i * IntPtr.Size, strings[i]);
            }
            Marshal.WriteIntPtr(pointer, values.Count * IntPtr.Size, IntPtr.Zero);
            return new NativeStrings(strings, pointer);
        }

        public void Dispose()
        {
            foreach (var s in _strings) Marshal.FreeCoTaskMem(s);
            Marshal.FreeHGlobal(Pointer);
        }
    }
}
