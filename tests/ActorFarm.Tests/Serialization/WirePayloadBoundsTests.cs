using System.Runtime.Serialization;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Malformed payloads handed straight to the wire serializer, as remoting would hand them over:
/// each ends in a <see cref="SerializationException"/> (which remoting logs and drops), without
/// allocating what a forged length claims and without overflowing the stack.
/// </summary>
public class WirePayloadBoundsTests(SerializationSystem serialization, ITestOutputHelper output)
    : SerializerTestBase(serialization, output)
{
    /// <summary>Far below the 2 GB the forged lengths claim, far above what a small payload needs.</summary>
    private const long AllocationCeiling = 16 * 1024 * 1024;

    [Fact]
    public void Random_bytes_fail_with_a_serialization_exception()
    {
        // Some decode to an allowed part of a message (a bare int, say): refused too, since only
        // a wire message may be the root.
        var random = new Random(4171);
        foreach (var size in new[] { 1, 2, 3, 5, 16, 100, 4096, 1 << 20 })
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                AssertRefusedWithinBounds(bytes);
            }
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_payload_fails_with_a_serialization_exception()
    {
        var whole = WireSerializer.ToBinary(Samples.Wire["SubmitJob"](TestActor));

        for (var length = 0; length < whole.Length; length++)
            AssertRefusedWithinBounds(whole[..length]);
    }

    [Fact]
    public void A_valid_manifest_with_a_garbage_body_fails_with_a_serialization_exception()
    {
        var valid = WireSerializer.ToBinary(Samples.Wire["SubmitJob"](TestActor));
        var random = new Random(7);

        // The first three bytes name SubmitJob by its known-type index.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var body = new byte[random.Next(0, 512)];
            random.NextBytes(body);
            AssertRefusedWithinBounds([.. valid[..3], .. body]);
        }
    }

    [Theory]
    [InlineData(2_000_000_000)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    public void A_string_length_claiming_gigabytes_allocates_nothing_like_it(int claim)
    {
        // TasksAvailable is its known-type index, then its one string: 255 announces an Int32 length.
        var valid = WireSerializer.ToBinary(new TasksAvailable("job-1"));
        byte[] forged = [.. valid[..3], 255, .. BitConverter.GetBytes(claim), .. "job-1"u8];

        AssertRefusedWithinBounds(forged);
    }

    [Fact]
    public void An_array_length_claiming_gigabytes_allocates_nothing_like_it()
    {
        var valid = WireSerializer.ToBinary(new ListAxis { Name = "n", Values = ["a", "b", "c"] });
        var at = valid.AsSpan().IndexOf(new byte[] { 3, 0, 0, 0 });
        Assert.True(at > 0, Convert.ToHexString(valid));
        var forged = valid.ToArray();
        BitConverter.GetBytes(500_000_000).CopyTo(forged, at);

        AssertRefusedWithinBounds(forged);
    }

    [Fact]
    public void A_type_name_length_claiming_gigabytes_allocates_nothing_like_it()
    {
        // 255: a type written by name, an Int32 length, the name.
        byte[] forged = [255, .. BitConverter.GetBytes(2_000_000_000), .. "ActorFarm.Protocol.TasksAvailable"u8];

        AssertRefusedWithinBounds(forged);
    }

    [Fact]
    public void Int_fields_larger_than_the_rest_of_the_payload_still_come_back_exactly()
    {
        // What may be a length is clamped on the first read; these values are fields, not
        // lengths, and must survive the second, unclamped read.
        RegisterNode message = new(TestActor, "n", int.MaxValue, null);
        GetResults page = new("job-1", 0, int.MaxValue, int.MaxValue - 1);

        DeepEqual.AssertEqual(message, RoundTrip(message).Value);
        DeepEqual.AssertEqual(page, RoundTrip(page).Value);
    }

    [Fact]
    public void Records_nested_deeper_than_the_stack_allows_fail_with_a_serialization_exception()
    {
        // Any position holding an object may name any allowed type, so a sweep can be spliced
        // into a sweep's axis array again and again; each level costs a few bytes.
        var marker = new ListAxis { Name = "MARK", Values = [] };
        var markerBytes = WireSerializer.ToBinary(marker);
        var sweep = WireSerializer.ToBinary(new SweepSpec { Mode = SweepMode.Product, Axes = [marker] });
        var at = sweep.AsSpan().IndexOf(markerBytes);
        Assert.True(at > 0, Convert.ToHexString(sweep));
        var (prefix, suffix) = (sweep[..at], sweep[(at + markerBytes.Length)..]);
        const int depth = 200_000;
        using var forged = new MemoryStream();
        for (var i = 0; i < depth; i++) forged.Write(prefix);
        forged.Write(markerBytes);
        for (var i = 0; i < depth; i++) forged.Write(suffix);
        Output?.WriteLine($"{forged.Length:N0} bytes, {prefix.Length} + {suffix.Length} per level");

        var error = Assert.Throws<SerializationException>(() => WireSerializer.FromBinary(forged.ToArray(), null));
        Assert.Contains("nests deeper", error.Message);
    }

    private void AssertRefusedWithinBounds(byte[] payload)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SerializationException>(() => WireSerializer.FromBinary(payload, null));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationCeiling + 16L * payload.Length,
            $"{allocated:N0} bytes allocated for a {payload.Length:N0}-byte payload {Convert.ToHexString(payload.AsSpan(0, Math.Min(payload.Length, 32)))}");
    }
}
