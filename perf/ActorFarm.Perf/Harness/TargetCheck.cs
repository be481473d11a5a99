using System.Globalization;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// One row of "Against the peers": a figure the farm measured, the best peer's figure measured in
/// the same run (when the target is relative to a peer), their ratio and the target. Targets are
/// only reported, never used to tune a benchmark: a figure below its target is listed as such.
/// </summary>
/// <param name="Ratio">ActorFarm ÷ peer, always in that direction; the target says which way is better.</param>
public sealed record TargetCheck(string Measure, string Farm, string Peer, double? Ratio, string Target, bool Met)
{
    /// <summary>A rate where more is better, against a peer's rate in the same run: met when farm ÷ peer ≥ <paramref name="atLeast"/>.</summary>
    public static TargetCheck RateAgainst(string measure, double farm, string peer, double peerRate, double atLeast, string unit) =>
        new(measure, Format(farm, unit), $"{peer}: {Format(peerRate, unit)}", farm / peerRate,
            $"≥ {atLeast.ToString("0.0#", CultureInfo.InvariantCulture)}× {PeerShortName(peer)}", farm / peerRate >= atLeast);

    /// <summary>A time where less is better, against a peer's time in the same run: met when farm ÷ peer ≤ 1.</summary>
    public static TargetCheck TimeAgainst(string measure, double farmSeconds, string peer, double peerSeconds) =>
        new(measure, Format(farmSeconds, "s"), $"{peer}: {Format(peerSeconds, "s")}", farmSeconds / peerSeconds,
            $"≤ 1.0× {PeerShortName(peer)}", farmSeconds <= peerSeconds);

    /// <summary>A figure where more is better against an absolute threshold; the peer's figure (if any) for reference.</summary>
    public static TargetCheck AtLeast(string measure, double farm, double threshold, string unit, string? peer = null, double? peerValue = null) =>
        new(measure, Format(farm, unit), peer is null || peerValue is null ? "—" : $"{peer}: {Format(peerValue.Value, unit)}",
            peerValue is { } p ? farm / p : null, $"≥ {Format(threshold, unit)}", farm >= threshold);

    /// <summary>A figure where less is better against an absolute threshold (no peer has it).</summary>
    public static TargetCheck Below(string measure, double farm, double threshold, string unit) =>
        new(measure, Format(farm, unit), "—", null, $"< {Format(threshold, unit)}", farm < threshold);

    /// <summary>The row when the peer it is measured against could not run: reported, not dropped.</summary>
    public static TargetCheck PeerMissing(string measure, double farm, string unit, string target, string why) =>
        new(measure, Format(farm, unit), $"not measured: {why}", null, target, false);

    private static string PeerShortName(string peer) => peer.Split(' ', 2)[0];

    private static string Format(double value, string unit)
    {
        var number = Math.Abs(value) >= 1000
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 10 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
        return unit.Length == 0 ? number : $"{number} {unit}";
    }
}
