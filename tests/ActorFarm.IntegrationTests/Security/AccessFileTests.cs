using ActorFarm.Hosting;
using ActorFarm.Security;

namespace ActorFarm.IntegrationTests.Security;

/// <summary>The access file: created private, refused when open to others, the same for every process that races to create it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AccessFileTests
{
    [Fact]
    public void A_created_access_file_is_private_and_reads_back_as_the_same_farm()
    {
        using var dir = new TempDirectory("actorfarm-access");
        var path = dir.File("state/access.pem");
        string? created = null;

        using var credential = AccessFileStore.Open(path, createIfMissing: true, p => created = p);
        using var again = AccessFileStore.Open(path, createIfMissing: true, _ => Assert.Fail("created twice"));

        Assert.Equal(path, created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.File("state")));
        Assert.Equal(credential.Fingerprint, again.Fingerprint);
        Assert.True(again.Certificate.HasPrivateKey);
        // Nothing half-written is left beside it.
        Assert.Equal(["access.pem"], Directory.GetFiles(dir.File("state")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(0b110_100_100, "0644")]
    [InlineData(0b110_110_000, "0660")]
    [InlineData(0b110_000_001, "0601")]
    public void An_access_file_open_to_others_is_refused_naming_the_path_and_the_fix(int mode, string shown)
    {
        using var dir = new TempDirectory("actorfarm-access");
        var path = dir.File("access.pem");
        AccessFileStore.Open(path, createIfMissing: true).Dispose();
        File.SetUnixFileMode(path, (UnixFileMode)mode);

        var error = Assert.Throws<AccessFileException>(() => AccessFileStore.Open(path, createIfMissing: true));

        Assert.Equal($"access file {path} is open to other users (mode {shown}): it is the key to running commands as you; " +
                     $"chmod 600 {path}, or if others may have read it, make a new one (docs/security.md)", error.Message);
    }

    [Fact]
    public void A_missing_file_is_never_created_for_a_client_and_a_foreign_file_is_refused()
    {
        using var dir = new TempDirectory("actorfarm-access");
        var missing = Assert.Throws<AccessFileException>(() => AccessFileStore.Open(dir.File("none/access.pem"), createIfMissing: false));
        Assert.StartsWith($"no access file at {dir.File("none/access.pem")}: ", missing.Message);
        Assert.False(Directory.Exists(dir.File("none")));

        var foreign = dir.File("foreign.pem");
        File.WriteAllText(foreign, "not a certificate\n");
        File.SetUnixFileMode(foreign, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<AccessFileException>(() => AccessFileStore.Open(foreign, createIfMissing: true));
        Assert.StartsWith($"{foreign} is not an ActorFarm access file", error.Message);
    }

    [Fact]
    public void Processes_racing_to_create_the_file_all_end_up_with_the_same_farm()
    {
        using var dir = new TempDirectory("actorfarm-access");
        var path = dir.File("access.pem");
        var creators = 0;

        var fingerprints = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16)
            .Select(_ =>
            {
                using var credential = AccessFileStore.Open(path, createIfMissing: true, _ => Interlocked.Increment(ref creators));
                return credential.Fingerprint;
            })
            .ToList();

        Assert.Equal(1, creators);
        Assert.Single(fingerprints.Distinct());
        Assert.Equal(["access.pem"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [RootFact]
    public async Task An_access_file_that_cannot_be_written_names_it_leaves_nothing_behind_and_a_node_exits_3_in_one_line()
    {
        using var disk = new SmallDisk("1m");
        using var dir = new TempDirectory("actorfarm-access");
        var path = disk.File("farm/access.pem");
        Directory.CreateDirectory(disk.File("farm"));
        disk.Fill();

        var error = Assert.Throws<IOException>(() => AccessFileStore.Open(path, createIfMissing: true));
        Assert.StartsWith($"could not write the access file {path}: ", error.Message);
        Assert.Empty(Directory.GetFiles(disk.File("farm")));

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2),
            "node", "--seeds", $"127.0.0.1:{FreePort.Next()}", "--roles", "worker", "--access-file", path);
        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"actorfarm: the node could not start: could not write the access file {path}: ", line);
        Assert.Empty(Directory.GetFiles(disk.File("farm")));
    }

    [Fact]
    public void Rotation_replaces_the_farm_credential()
    {
        using var dir = new TempDirectory("actorfarm-access");
        var path = dir.File("access.pem");
        using var before = AccessFileStore.Open(path, createIfMissing: true);

        using var after = AccessFileStore.Rotate(path);

        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Secure_is_the_default_for_every_kind_of_process()
    {
        Assert.IsType<FarmAccess.InProcess>(new FarmOptions().EffectiveAccess);
        Assert.Equal(new FarmAccess.FromFile(Path.Combine("st", "access.pem"), CreateIfMissing: true),
            new FarmOptions { Seeds = ["127.0.0.1:4053"], StateDirectory = "st" }.EffectiveAccess);
        Assert.Equal(new FarmAccess.FromFile(Path.Combine(".actorfarm", "access.pem")),
            new FarmConnectionOptions { Contacts = ["127.0.0.1:4053"] }.EffectiveAccess);
        Assert.True(RemotingSecurity.Resolve(new FarmAccess.InProcess(), null).Tls);
        Assert.False(RemotingSecurity.Resolve(new FarmAccess.Insecure(), null).Tls);
    }
}
