namespace ActorFarm.Results;

/// <summary>The format of an exported results file (<see cref="Hosting.IFarmClient.ExportResultsAsync"/>).</summary>
public enum ResultsFormat
{
    /// <summary>One JSON object per line: <c>results.jsonl</c>.</summary>
    Jsonl,

    /// <summary>Comma-separated with a header row, one column per sweep parameter: <c>results.csv</c>.</summary>
    Csv,
}
