namespace ActorFarm.Results.Files;

/// <summary>Writes result rows in one format. Rows come in journal order (the order tasks finished).</summary>
internal interface IResultsWriter : IDisposable
{
    void Write(in ResultRow row);

    /// <summary>Hands every row written so far to the stream (which the caller flushes to the file).</summary>
    void Flush();
}
