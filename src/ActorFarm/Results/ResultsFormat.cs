namespace ActorFarm.Results;

public enum ResultsFormat
{
    /// <summary>One JSON object per line: <c>results.jsonl</c>.</summary>
    Jsonl,

    /// <summary>Comma-separated with a header row, one column per sweep parameter: <c>results.csv</c>.</summary>
    Csv,
}
