using System.Text;
using ActorFarm.Node;
using ActorFarm.Protocol;
using ActorFarm.Tests.Serialization;
using Xunit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// Cutting a task's text and splitting result batches so that every batch fits one remote
/// message, checked against what the real wire serializer writes.
/// </summary>
public sealed class ResultBatchingTests(SerializationSystem serialization) : SerializerTestBase(serialization)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    private static TaskResult Result(long index, string? text) =>
        new(index, 1, text is null ? TaskOutcome.Succeeded : TaskOutcome.Failed, text is null ? 0 : 3, At, At.AddSeconds(1), text);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("exit code 3")]
    public void A_text_within_the_bound_is_kept_as_it_is(string? text)
    {
        var result = Result(1, text);

        var (bounded, cut) = ResultBatching.Truncate(result, 64);

        Assert.Same(result, bounded);
        Assert.Equal(0, cut);
    }

    [Fact]
    public void A_long_text_is_cut_to_the_bound_and_says_how_much_was_cut()
    {
        var text = new string('x', 100_000);

        var (bounded, cut) = ResultBatching.Truncate(Result(7, text), 16_384);

        Assert.True(Encoding.UTF8.GetByteCount(bounded.Error!) <= 16_384);
        Assert.EndsWith(ResultBatching.Marker(cut), bounded.Error);
        var kept = bounded.Error![..^ResultBatching.Marker(cut).Length];
        Assert.Equal(100_000, kept.Length + cut);
        Assert.Equal(new string('x', kept.Length), kept);
        // Everything else about the result is untouched.
        Assert.Equal(Result(7, text) with { Error = bounded.Error }, bounded);
    }

    [Fact]
    public void A_multibyte_text_is_cut_on_a_character_boundary()
    {
        // 4-byte characters (surrogate pairs) and 2-byte ones.
        var text = string.Concat(Enumerable.Repeat("😀é", 10_000));

        var (bounded, cut) = ResultBatching.Truncate(Result(1, text), 1_001);

        var kept = bounded.Error![..^ResultBatching.Marker(cut).Length];
        Assert.True(Encoding.UTF8.GetByteCount(bounded.Error) <= 1_001);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), Encoding.UTF8.GetByteCount(kept) + cut);
        Assert.False(char.IsHighSurrogate(kept[^1]));
        Assert.StartsWith(kept, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_and_an_error_are_cut_to_the_bound_together_and_the_error_keeps_half()
    {
        var result = Result(3, new string('e', 50_000)) with { Message = new string('m', 50_000) };

        var (bounded, cut) = ResultBatching.Truncate(result, 16_384);

        var (error, message) = (Encoding.UTF8.GetByteCount(bounded.Error!), Encoding.UTF8.GetByteCount(bounded.Message!));
        Assert.True(error + message <= 16_384, $"{error} + {message} bytes");
        Assert.True(error >= 8_192 - 64, $"the error kept {error} bytes");
        Assert.StartsWith("eee", bounded.Error);
        Assert.StartsWith("mmm", bounded.Message);
        // What was kept of each (its marker aside) and what was cut add up to both texts.
        Assert.Equal(100_000, error - MarkerBytes(bounded.Error!) + message - MarkerBytes(bounded.Message!) + cut);
    }

    private static int MarkerBytes(string text) => Encoding.UTF8.GetByteCount(text[text.LastIndexOf('…')..]);

    [Fact]
    public void A_short_message_beside_a_long_error_is_kept_whole()
    {
        var result = Result(3, new string('e', 50_000)) with { Message = "why it failed" };

        var (bounded, _) = ResultBatching.Truncate(result, 16_384);

        Assert.Equal("why it failed", bounded.Message);
        Assert.True(Encoding.UTF8.GetByteCount(bounded.Error!) + 13 <= 16_384);
    }

    [Fact]
    public void A_payload_over_the_limit_fails_its_task_and_says_why()
    {
        var result = Result(5, null) with { Message = "done", Payload = new byte[70_000], PayloadIsJson = false };

        var refused = ResultBatching.RefuseOversizedPayload(result, "report", 65_536, 65_536);

        Assert.Equal(TaskOutcome.Failed, refused.Outcome);
        Assert.Null(refused.ExitCode);
        Assert.Null(refused.Payload);
        Assert.Equal("done", refused.Message);
        Assert.Equal("handler 'report' returned a payload of 70,000 bytes; the limit is 65,536 bytes (actorfarm.node.max-payload-bytes)", refused.Error);
    }

    [Fact]
    public void A_payload_within_the_limit_is_kept_as_it_is()
    {
        var result = Result(5, null) with { Payload = new byte[65_536] };

        Assert.Same(result, ResultBatching.RefuseOversizedPayload(result, "report", 65_536, 65_536));
    }

    [Fact]
    public void A_small_frame_lowers_the_payload_limit_and_the_error_says_so()
    {
        var limits = new WireLimits(128_000, WireLimits.DefaultMaxResultTextBytes);
        var result = Result(5, null) with { Payload = new byte[40_000], PayloadIsJson = true };

        Assert.Equal(32_000, limits.PayloadLimit(65_536));
        var refused = ResultBatching.RefuseOversizedPayload(result, "report", limits.PayloadLimit(65_536), 65_536);

        Assert.Equal("handler 'report' returned a payload of 40,000 bytes; the limit is 32,000 bytes (actorfarm.node.max-payload-bytes is 65,536, lowered to a quarter of akka.remote.dot-netty.tcp.maximum-frame-size)", refused.Error);
    }

    [Fact]
    public void Payload_bytes_count_when_results_are_split()
    {
        var results = Enumerable.Range(0, 10).Select(i => Result(i, null) with { Payload = new byte[3_000] }).ToArray();

        var batches = ResultBatching.Split(results, 512, 10_000);

        Assert.Equal([3, 3, 3, 1], batches.Select(b => b.Length));
    }

    [Fact]
    public void Results_are_split_by_count_in_order()
    {
        var results = Enumerable.Range(0, 1_100).Select(i => Result(i, null)).ToArray();

        var batches = ResultBatching.Split(results, 512, long.MaxValue);

        Assert.Equal([512, 512, 76], batches.Select(b => b.Length));
        Assert.Equal(results, batches.SelectMany(b => b));
    }

    [Fact]
    public void Results_are_split_by_bytes_and_each_batch_serializes_within_the_budget()
    {
        // The failure seen on a cluster: 200 results of 64 KB each, 12.8 MB, over a 4 MiB frame.
        var limits = new WireLimits(4 * 1024 * 1024, WireLimits.DefaultMaxResultTextBytes);
        var results = Enumerable.Range(0, 200).Select(i => Result(i, new string('m', 64_000))).ToArray();

        var batches = ResultBatching.Split(results, 512, limits.MessageBudget);

        Assert.True(batches.Count >= 7, $"{batches.Count} batches");
        Assert.Equal(results, batches.SelectMany(b => b));
        foreach (var batch in batches)
        {
            var bytes = WireSerializer.ToBinary(new TaskResults("job-1", TestActor, "node-a", 1, batch)).Length;
            Assert.True(bytes <= limits.MessageBudget, $"a batch of {batch.Length} takes {bytes} bytes, over {limits.MessageBudget}");
        }
    }

    [Fact]
    public void A_result_over_the_budget_on_its_own_goes_alone()
    {
        var results = new[] { Result(0, "a"), Result(1, new string('b', 10_000)), Result(2, "c") };

        var batches = ResultBatching.Split(results, 512, 5_000);

        Assert.Equal([[0L], [1L], [2L]], batches.Select(b => b.Select(r => r.Index).ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_000)]
    [InlineData(70_000)]
    public void The_size_estimates_bound_what_the_wire_serializer_writes(int textLength)
    {
        var text = textLength == 0 ? null : string.Concat(Enumerable.Repeat("ü😀x", textLength / 3 + 1))[..textLength];
        var results = Enumerable.Range(0, 50)
            .Select(i => new TaskResult(long.MaxValue - i, int.MaxValue, TaskOutcome.TimedOut, int.MinValue, At, DateTimeOffset.MaxValue, text, true,
                text, textLength == 0 ? null : new byte[textLength], i % 2 == 0))
            .ToArray();
        var records = results
            .Select(r => new TaskRecord(r.Index, r.Attempt, r.Outcome, r.ExitCode, "node-with-a-long-name.example.org:4053", r.Started, r.Ended, r.Error, true,
                r.Message, r.Payload, r.PayloadIsJson))
            .ToArray();

        var resultBytes = WireSerializer.ToBinary(new TaskResults("job-1", TestActor, "node-a", 1, results)).Length;
        var recordBytes = WireSerializer.ToBinary(new ResultsPage("job-1", null, records, 1, End: false)).Length;
        var leaseBytes = WireSerializer.ToBinary(new ReturnLeases("job-1", TestActor,
            Enumerable.Range(0, 1_000).Select(i => new TaskLease(long.MaxValue - i, int.MaxValue)).ToArray())).Length;

        // The fixed part of a message (ids, the sender's ref) is well under the half frame the budget leaves.
        const int envelope = 1_024;
        Assert.True(resultBytes <= results.Sum(WireLimits.EstimateBytes) + envelope, $"{resultBytes} bytes of results");
        Assert.True(recordBytes <= records.Sum(WireLimits.EstimateBytes) + envelope, $"{recordBytes} bytes of records");
        Assert.True(leaseBytes <= 1_000 * WireLimits.LeaseBytes + envelope, $"{leaseBytes} bytes of leases");
    }

    [Fact]
    public void The_limits_follow_the_configured_frame_size()
    {
        var limits = WireLimits.From(Sys.Settings.Config.WithFallback(ActorFarm.Hosting.FarmConfig.Base()));

        Assert.Equal(4 * 1024 * 1024, limits.FrameBytes);
        Assert.Equal(64 * 1024, limits.MaxResultTextBytes);
        Assert.Equal(2 * 1024 * 1024, limits.MessageBudget);
        // A small frame bounds a result's text below the configured bound.
        Assert.True(new WireLimits(16_000, 64 * 1024).ResultTextLimit < 8_000);
    }
}
