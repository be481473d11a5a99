namespace ActorFarm.Results.Files;

/// <summary>Writes result rows in one format. Rows come in journal order (the order tasks finished).</summary>
internal interface IResultsWriter : IDisposable
{
    void Write(in ResultRow row);
}
