namespace ActorFarm.Logs;

/// <summary>Turns an exception into the one line a user reads after <c>actorfarm:</c> or <c>lighthouse:</c>.</summary>
internal static class ErrorText
{
    /// <summary>
    /// The messages of the exception and its inner exceptions, first line each, joined by ": " —
    /// the outer one says what failed, the inner ones why. Wrappers that add nothing
    /// (<see cref="AggregateException"/>, "See InnerException for details") and repeats are
    /// dropped; no type names, no frames.
    /// </summary>
    public static string Cause(Exception exception)
    {
        var parts = new List<string>();
        foreach (var e in Chain(exception))
        {
            if (e is AggregateException) continue;
            var message = FirstLine(e.Message).Replace("See InnerException for details.", "").Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
                parts.Add(message);
        }
        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }

    /// <summary>The exception, then its inner exceptions (the first of an aggregate's), at most 8.</summary>
    internal static IEnumerable<Exception> Chain(Exception exception)
    {
        var e = exception;
        for (var depth = 0; e is not null && depth < 8; depth++)
        {
            yield return e;
            e = e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : e.InnerException;
        }
    }

    internal static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
