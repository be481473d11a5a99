using ActorFarm.Hosting;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// One writer per state directory, in one process: the lock is exclusive even between two farms
/// of the same process, names its holder, and is free again once the holder lets go. The
/// two-process cases (and kill -9) are in <c>Cli/StateDirectoryLockProcessTests</c>.
/// </summary>
public class StateDirectoryLockTests
{
    [Fact]
    public void A_second_lock_is_refused_naming_the_holder_until_the_first_is_released()
    {
        using var state = new TempDirectory("actorfarm-lock");
        var first = StateDirectoryLock.Acquire(state.Path);

        var refused = Assert.Throws<StateDirectoryInUseException>(() => StateDirectoryLock.Acquire(state.Path));
        Assert.Equal(Environment.ProcessId, refused.Holder?.Pid);
        Assert.Equal(Environment.MachineName, refused.Holder?.Host);
        Assert.Contains($"state directory {state.Path} is in use by pid {Environment.ProcessId} (", refused.Message);
        Assert.Contains($") on host {Environment.MachineName}", refused.Message);

        first.Dispose();
        using var second = StateDirectoryLock.Acquire(state.Path);
        Assert.Equal(Environment.ProcessId, StateDirectoryLock.ReadHolder(state.Path)?.Pid);
    }

    [Fact]
    public async Task A_second_embedded_farm_on_the_same_state_directory_does_not_start_until_the_first_is_disposed()
    {
        using var state = new TempDirectory("actorfarm-lock");
        var options = new FarmOptions { StateDirectory = state.Path, Slots = 1, NodeName = "first", Config = TestFarm.TestConfig };
        var first = await FarmHost.StartAsync(options);

        var refused = await Assert.ThrowsAsync<StateDirectoryInUseException>(() => FarmHost.StartAsync(options with { NodeName = "second" }));
        Assert.Equal(Environment.ProcessId, refused.Holder?.Pid);

        await first.DisposeAsync();
        // Free once the first let go. Asked again for a moment: a process another test of this run
        // starts at that instant holds a copy of every descriptor from its fork to its exec (which
        // closes the lock's, opened close-on-exec), and a flock lasts while any copy is open.
        FarmHost? third = null;
        await Waiting.UntilAsync(async () =>
        {
            try
            {
                third = await FarmHost.StartAsync(options with { NodeName = "third" });
                return true;
            }
            catch (StateDirectoryInUseException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        await using var started = third!;
        Assert.Equal("third", started.NodeName);
    }
}
