using System.Buffers;
using System.Text.Unicode;

namespace ActorFarm.Manifest;

/// <summary>
/// The bytes of a manifest made text: strict UTF-8 (a byte-order mark is allowed), no NUL.
/// .NET's usual decoding would replace invalid bytes with U+FFFD silently and a NUL would reach
/// an argv, where the kernel cuts the argument short; both are reported with their line instead.
/// </summary>
internal static class ManifestText
{
    /// <summary>The text, or null with <paramref name="error"/> set (a line and a message).</summary>
    public static string? Decode(byte[] bytes, out (int Line, string Message)? error)
    {
        error = null;
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\uFEFF"u8)) span = span[3..];

        int nul = span.IndexOf((byte)0);
        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out int bytesRead, out int charsWritten, replaceInvalidSequences: false);
        if (status != OperationStatus.Done && (nul < 0 || bytesRead < nul))
        {
            error = (LineAt(span, bytesRead), $"the manifest is not valid UTF-8 text (invalid byte 0x{span[bytesRead]:X2}); save it as UTF-8");
            return null;
        }
        if (nul >= 0)
        {
            error = (LineAt(span, nul), "the manifest holds a NUL byte; a manifest is text, and no argument, variable or path can hold NUL");
            return null;
        }
        return new string(chars, 0, charsWritten);
    }

    private static int LineAt(ReadOnlySpan<byte> text, int offset) => 1 + text[..Math.Min(offset, text.Length)].Count((byte)'\n');
}
