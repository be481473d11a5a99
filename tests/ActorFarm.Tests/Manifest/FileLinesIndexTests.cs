using System.Text;
using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Tests.Manifest;

/// <summary>
/// The sparse index of a file-lines sweep reads the same lines as reading the whole file would
/// (File.ReadLines, blank lines skipped), in any order, across checkpoints and read blocks.
/// </summary>
public class FileLinesIndexTests
{
    private static List<string> Expected(string path) =>
        File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();

    private static void AssertSameLines(string path, FileLinesIndex index, int seed)
    {
        var expected = Expected(path);
        Assert.Equal(expected.Count, index.LineCount);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], index.LineAt(i));
        var random = new Random(seed);
        for (int n = 0; n < 2000; n++)
        {
            int i = random.Next(expected.Count);
            Assert.Equal(expected[i], index.LineAt(i));
        }
        for (int i = expected.Count - 1; i >= 0; i -= 7) Assert.Equal(expected[i], index.LineAt(i));
    }

    [Fact]
    public void Random_text_with_every_kind_of_line_break_reads_like_the_whole_file()
    {
        using var dir = new TempManifestDir();
        var random = new Random(7);
        var breaks = new[] { "\n", "\r\n", "\r", "\n\n", "\r\n   \t\r\n", "\n\u3000\u00A0\n" };
        var sb = new StringBuilder("\uFEFF");
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(10) == 0 ? random.Next(5_000, 9_000) : random.Next(0, 40);
            sb.Append("l").Append(i).Append(' ');
            for (int c = 0; c < length; c++) sb.Append((char)('a' + random.Next(26)));
            if (i % 97 == 0) sb.Append(" é ü 漢字");
            sb.Append(breaks[random.Next(breaks.Length)]);
        }
        sb.Append("last line without a break");
        var path = dir.Write("mixed.txt", sb.ToString());

        var index = FileLinesIndex.Build(path);
        Assert.True(index.CheckpointCount < new FileInfo(path).Length / FileLinesIndex.CheckpointSpacing + 2);
        AssertSameLines(path, index, seed: 1);
    }

    [Fact]
    public void Lines_longer_than_a_read_block_are_read_whole()
    {
        using var dir = new TempManifestDir();
        var lines = new[] { "a", new string('b', 200_000), "c", new string('d', 70_000) + "\r", "e" };
        var path = dir.Write("long.txt", string.Join("\n", lines));
        var index = FileLinesIndex.Build(path, maxLineBytes: 256 * 1024);
        AssertSameLines(path, index, seed: 2);
    }

    [Fact]
    public void A_changed_file_is_indexed_again_and_never_read_at_stale_offsets()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("lines.txt", "one\ntwo\nthree\n");
        FileLinesCache.Invalidate(path);
        var axis = new FileLinesAxis { Name = "l", Path = path, LineCount = 3 };
        Assert.Equal("two", Sweeps.ValueAt(axis, 1));

        File.WriteAllText(path, "a much longer first line\nsecond\nthird\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("second", Sweeps.ValueAt(axis, 1));
    }

    [Fact]
    public void The_loader_indexes_an_unchanged_file_once_unless_its_limits_are_stricter()
    {
        using var dir = new TempManifestDir();
        var path = dir.Write("shared.txt", "a\n" + new string('b', 100) + "\n");
        FileLinesCache.Invalidate(path);
        var first = FileLinesCache.Reload(path, maxLineBytes: 1000, maxLines: 10);
        Assert.Same(first, FileLinesCache.Reload(path, maxLineBytes: 1000, maxLines: 10));
        Assert.Same(first, FileLinesCache.Get(path));
        Assert.Throws<FileLinesException>(() => FileLinesCache.Reload(path, maxLineBytes: 50, maxLines: 10));
    }

    [Fact]
    public void A_file_without_lines_has_none()
    {
        using var dir = new TempManifestDir();
        Assert.Equal(0, FileLinesIndex.Build(dir.Write("empty.txt", "")).LineCount);
        Assert.Equal(0, FileLinesIndex.Build(dir.Write("blank.txt", "\uFEFF\n \r\n\t\n")).LineCount);
    }
}
