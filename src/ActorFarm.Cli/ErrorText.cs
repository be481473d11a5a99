namespace ActorFarm.Cli;

/// <summary>Turns an exception into the one line a user reads after <c>actorfarm:</c>.</summary>
internal static class ErrorText
{
    /// <summary>
    /// The messages of the exception and its inner exceptions, first line each, repeats dropped,
    /// joined by ": " — the outer one says what failed, the inner ones why. No type names, no frames.
    /// </summary>
    public static string Cause(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null && parts.Count < 6; e = Inner(e))
        {
            var message = FirstLine(e.Message);
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
                parts.Add(message.TrimEnd('.'));
        }
        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }

    private static Exception? Inner(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e.InnerException;

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
