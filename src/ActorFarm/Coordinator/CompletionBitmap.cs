using System.Numerics;

namespace ActorFarm.Coordinator;

/// <summary>
/// One bit per task index: set when the task's final result is journaled. This is the only
/// per-task state a job keeps (125 KB for a million tasks), and it is what a snapshot stores.
/// </summary>
internal sealed class CompletionBitmap
{
    private readonly ulong[] _words;

    public CompletionBitmap(long length)
    {
        Length = length;
        _words = new ulong[(length + 63) / 64];
    }

    private CompletionBitmap(long length, ulong[] words)
    {
        Length = length;
        _words = words;
        foreach (var w in words) SetCount += BitOperations.PopCount(w);
    }

    public long Length { get; }

    public long SetCount { get; private set; }

    public static CompletionBitmap FromWords(long length, ulong[] words)
    {
        if (words.Length != (length + 63) / 64)
            throw new ArgumentException($"A bitmap of {length} bits needs {(length + 63) / 64} words, got {words.Length}.");
        return new CompletionBitmap(length, (ulong[])words.Clone());
    }

    public bool IsSet(long index) => (_words[index >> 6] & (1UL << (int)(index & 63))) != 0;

    /// <summary>Sets the bit; returns false when it was already set.</summary>
    public bool Set(long index)
    {
        ref var word = ref _words[index >> 6];
        var mask = 1UL << (int)(index & 63);
        if ((word & mask) != 0) return false;
        word |= mask;
        SetCount++;
        return true;
    }

    /// <summary>Clears the bit (a task reopened by a rerun); returns false when it was already clear.</summary>
    public bool Clear(long index)
    {
        ref var word = ref _words[index >> 6];
        var mask = 1UL << (int)(index & 63);
        if ((word & mask) == 0) return false;
        word &= ~mask;
        SetCount--;
        return true;
    }

    /// <summary>The first clear index at or after <paramref name="from"/>, or <see cref="Length"/> if none.
    /// Skips whole words at a time, so a resumed job finds its gaps quickly.</summary>
    public long NextClear(long from)
    {
        if (from >= Length) return Length;
        var wordIndex = from >> 6;
        var word = ~_words[wordIndex] & (ulong.MaxValue << (int)(from & 63));
        while (word == 0)
        {
            if (++wordIndex >= _words.Length) return Length;
            word = ~_words[wordIndex];
        }
        var index = (wordIndex << 6) + BitOperations.TrailingZeroCount(word);
        return Math.Min(index, Length);
    }

    public ulong[] CopyWords() => (ulong[])_words.Clone();
}
