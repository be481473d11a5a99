namespace ActorFarm.Testing;

/// <summary>
/// A second Unix user on this machine (<c>nobody</c>), to try a farm the way another user of a
/// shared login node could: same host, same loopback, their own files. The CLI runs under that
/// user through <c>setpriv</c> (needs root), from a home directory of its own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OtherUser : IDisposable
{
    public const string Name = "nobody";
    private const string Group = "nogroup";

    /// <summary><c>setpriv</c>'s arguments that run the rest as the other user.</summary>
    private static readonly string[] AsOtherUser = ["--reuid=" + Name, "--regid=" + Group, "--clear-groups"];

    private readonly TempDirectory _home = new("actorfarm-other-user");
    private readonly TempDirectory? _cliCopy;

    public OtherUser()
    {
        // World-writable, so that files the other user makes are theirs; the test (root) cleans up.
        System.IO.File.SetUnixFileMode(_home.Path, (UnixFileMode)0b111_111_111);
        CliPath = FarmPrograms.CliPath;
        if (!CanRead(CliPath))
        {
            // The checkout may sit where nobody else can read (e.g. under /root): the other user
            // runs a copy of the same build.
            _cliCopy = new TempDirectory("actorfarm-other-user-cli");
            System.IO.File.SetUnixFileMode(_cliCopy.Path, (UnixFileMode)0b111_101_101);
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(_cliCopy.Path, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                System.IO.File.Copy(file, target);
                System.IO.File.SetUnixFileMode(target, (UnixFileMode)0b110_100_100);
            }
            foreach (var directory in Directory.EnumerateDirectories(_cliCopy.Path, "*", SearchOption.AllDirectories))
                System.IO.File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            CliPath = Path.Combine(_cliCopy.Path, "ActorFarm.Cli.dll");
        }
    }

    /// <summary>The other user's home and working directory.</summary>
    public string Home => _home.Path;

    public string File(string name) => _home.File(name);

    public string CliPath { get; }

    /// <summary>Starts <c>actorfarm args</c> as the other user, in its home directory.</summary>
    public ChildProcess StartCli(string label, params string[] args) => ChildProcess.Start("setpriv", CliAsOtherUser(args), Home, label: label);

    /// <summary>Runs <c>actorfarm args</c> as the other user to its end.</summary>
    public Task<RunResult> RunCliAsync(TimeSpan timeout, params string[] args) => ChildProcess.RunAsync("setpriv", CliAsOtherUser(args), timeout, Home);

    private string[] CliAsOtherUser(string[] args) => [.. AsOtherUser, "env", "HOME=" + Home, "dotnet", CliPath, .. args];

    private static bool CanRead(string path) =>
        ChildProcess.RunAsync("setpriv", [.. AsOtherUser, "test", "-r", path], TimeSpan.FromMinutes(1)).GetAwaiter().GetResult().ExitCode == 0;

    public void Dispose()
    {
        _home.Dispose();
        _cliCopy?.Dispose();
    }
}

/// <summary>A test that runs commands as another Unix user: it needs root (CI runs as root).</summary>
public sealed class OtherUserFactAttribute : FactAttribute
{
    public OtherUserFactAttribute()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("ACTORFARM_REQUIRE_ROOT") != "1")
            Skip = "needs root to run commands as another user (setpriv); CI runs as root";
    }
}
