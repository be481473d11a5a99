using ActorFarm.Node.Execution.Spawn;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace ActorFarm.Tests.Execution;

/// <summary>
/// The pipe-less start (posix_spawn) and the one-thread reaper (pidfd + epoll) on their own,
/// whatever process-tree mechanism this machine gives the farm: what the child gets (argv,
/// environment, working directory, stdio, default signal actions) and what comes back.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PosixSpawnTests
{
    [Fact]
    public async Task The_child_gets_its_argv_environment_directory_and_output_files_and_its_exit_code_comes_back()
    {
        Assert.Null(PosixSpawn.Unavailable);
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("work"));
        using var stdout = Create(dir.File("out"));
        using var stderr = Create(dir.File("err"));

        var pid = PosixSpawn.Start("/bin/sh", ["/bin/sh", "-c", "echo \"$1|$GREETING|$(pwd)\"; cat; echo oops >&2; exit 7", "sh", "a b"],
            ["GREETING=hello world", "PATH=/usr/bin:/bin"], dir.File("work"), FdOf(stdout), FdOf(stderr), out var errno);

        Assert.True(pid > 0, $"errno {errno}");
        Assert.Equal(7, await ChildReaper.Shared.WatchAsync(pid).WaitAsync(TimeSpan.FromSeconds(30)));
        // stdin is /dev/null: cat ends at once.
        Assert.Equal($"a b|hello world|{dir.File("work")}\n", File.ReadAllText(dir.File("out")));
        Assert.Equal("oops\n", File.ReadAllText(dir.File("err")));
    }

    [Fact]
    public async Task A_child_killed_by_a_signal_reports_128_plus_its_number_and_SIGPIPE_is_not_inherited_ignored()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var fd = FdOf(devNull);

        var killed = PosixSpawn.Start("/bin/sh", ["/bin/sh", "-c", "kill -TERM $$"], [], null, fd, fd, out _);
        // The runtime ignores SIGPIPE; a child that inherited that would see `yes` end with an
        // EPIPE error (exit 1) instead of dying of the signal (141).
        var pipeStatus = PosixSpawn.Start("/bin/bash", ["/bin/bash", "-c", "yes | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"], ["PATH=/usr/bin:/bin"], null, fd, fd, out _);

        Assert.Equal(143, await ChildReaper.Shared.WatchAsync(killed).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(141, await ChildReaper.Shared.WatchAsync(pipeStatus).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_program_that_cannot_run_fails_the_spawn_with_its_errno_and_many_children_are_reaped_by_one_thread()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var fd = FdOf(devNull);
        Assert.Equal(-1, PosixSpawn.Start("/no/such/program", ["/no/such/program"], [], null, fd, fd, out var errno));
        Assert.Equal(2, errno); // ENOENT

        var threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        var children = Enumerable.Range(0, 200)
            .Select(i => PosixSpawn.Start("/bin/sh", ["/bin/sh", "-c", $"sleep 0.2; exit {i % 100}"], [], null, fd, fd, out _))
            .ToArray();
        Assert.All(children, pid => Assert.True(pid > 0));
        var exits = children.Select(pid => ChildReaper.Shared.WatchAsync(pid)).ToArray();
        // 200 children wait at once without a thread each.
        Assert.InRange(System.Diagnostics.Process.GetCurrentProcess().Threads.Count, 1, threadsBefore + 20);

        var codes = await Task.WhenAll(exits).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (int?)(i % 100)), codes);
    }

    [Fact]
    public async Task Children_spawned_and_reaped_on_several_threads_at_once_each_get_their_own_exit_code()
    {
        // A pidfd closed while another thread is between vfork and exec lives on in that child's fd
        // table: its number is reused at once, and its epoll registration must not be mistaken for
        // the new one (it once was: 1–2 exits of 400 lost, 4 slots).
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var fd = FdOf(devNull);
        var lanes = Enumerable.Range(0, 4).Select(lane => Task.Run(async () =>
        {
            var codes = new List<int?>();
            for (var i = 0; i < 150; i++)
            {
                var pid = PosixSpawn.Start("/bin/sh", ["/bin/sh", "-c", $"exit {(lane * 150 + i) % 50}"], [], null, fd, fd, out _);
                codes.Add(await ChildReaper.Shared.WatchAsync(pid));
            }
            return codes;
        }));

        var all = await Task.WhenAll(lanes).WaitAsync(TimeSpan.FromMinutes(2));
        for (var lane = 0; lane < all.Length; lane++)
            Assert.Equal(Enumerable.Range(lane * 150, 150).Select(n => (int?)(n % 50)), all[lane]);
    }

    private static SafeFileHandle Create(string path) => File.OpenHandle(path, FileMode.Create, FileAccess.Write);

    private static int FdOf(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
