using ActorFarm.Coordinator;

namespace ActorFarm.Tests.Coordinator;

public class CompletionBitmapTests
{
    [Fact]
    public void NextClear_skips_set_bits_across_words()
    {
        var bitmap = new CompletionBitmap(200);
        for (var i = 0; i < 130; i++) bitmap.Set(i);
        bitmap.Set(131);

        Assert.Equal(130, bitmap.NextClear(0));
        Assert.Equal(132, bitmap.NextClear(131));
        Assert.Equal(131, bitmap.SetCount);
    }

    [Fact]
    public void NextClear_returns_length_when_all_set_or_past_the_end()
    {
        var bitmap = new CompletionBitmap(70);
        for (var i = 0; i < 70; i++) bitmap.Set(i);
        Assert.Equal(70, bitmap.NextClear(0));
        Assert.Equal(70, bitmap.NextClear(500));
    }

    [Fact]
    public void Set_twice_counts_once_and_words_round_trip()
    {
        var bitmap = new CompletionBitmap(1_000_000);
        Assert.True(bitmap.Set(999_999));
        Assert.False(bitmap.Set(999_999));
        var copy = CompletionBitmap.FromWords(1_000_000, bitmap.CopyWords());
        Assert.True(copy.IsSet(999_999));
        Assert.Equal(1, copy.SetCount);
        Assert.Equal(0, copy.NextClear(0));
    }
}
