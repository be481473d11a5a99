using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ActorFarm.Node.Execution;

/// <summary>
/// A value a handler returns with its result (<see cref="HandlerResult.Payload"/>): a JSON value
/// or raw bytes. It is journaled with the task's result, exported to results.jsonl
/// (<c>"payload"</c> or <c>"payload_base64"</c>) and the CSV (<c>payload</c>), and read back with
/// <see cref="Hosting.IFarmClient.ReadResultsAsync"/>. Its size is bounded by
/// <c>actorfarm.node.max-payload-bytes</c> (64 KiB by default): a larger one fails its task.
/// Immutable; equal when kind and bytes are equal.
/// </summary>
public sealed class TaskPayload : IEquatable<TaskPayload>
{
    // Never handed out writable: Data is read-only, and the factories copy what they are given.
    private readonly byte[] _data;

    private TaskPayload(byte[] data, bool isJson)
    {
        _data = data;
        IsJson = isJson;
    }

    /// <summary>
    /// <paramref name="value"/> serialized with System.Text.Json (<see cref="JsonSerializerOptions.Web"/>
    /// unless <paramref name="options"/> are given: camelCase names, as <see cref="As{T}"/> reads them).
    /// </summary>
    public static TaskPayload Json<T>(T value, JsonSerializerOptions? options = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web), isJson: true);

    /// <summary>A JSON value as it is (an object, an array, a string, a number, true, false or null).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is a default (undefined) element.</exception>
    public static TaskPayload FromJson(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
            throw new ArgumentException("The JSON element is undefined (a default JsonElement): there is no value to keep.", nameof(value));
        return new(JsonMarshal.GetRawUtf8Value(value).ToArray(), isJson: true);
    }

    /// <summary>Raw bytes, copied.</summary>
    public static TaskPayload Bytes(ReadOnlySpan<byte> data) => new(data.ToArray(), isJson: false);

    /// <summary>
    /// A payload around bytes that came off the wire or out of the journal, not copied: the caller
    /// hands them over. <paramref name="data"/> is trusted to be UTF-8 JSON when <paramref name="isJson"/>.
    /// </summary>
    internal static TaskPayload Wrap(byte[] data, bool isJson) => new(data, isJson);

    /// <summary>The bytes themselves, for the wire and the journal, which never write into them.</summary>
    internal byte[] Array => _data;

    /// <summary>A JSON value (<see cref="Data"/> is its UTF-8 text); false for raw bytes.</summary>
    public bool IsJson { get; }

    /// <summary>The UTF-8 JSON text, or the raw bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Size in bytes (what <c>actorfarm.node.max-payload-bytes</c> bounds).</summary>
    public int Length => _data.Length;

    /// <summary>The JSON value as <typeparamref name="T"/> (<see cref="JsonSerializerOptions.Web"/> unless <paramref name="options"/> are given).</summary>
    /// <exception cref="InvalidOperationException">This is a bytes payload.</exception>
    public T? As<T>(JsonSerializerOptions? options = null) =>
        JsonSerializer.Deserialize<T>(EnsureJson(nameof(As)), options ?? JsonSerializerOptions.Web);

    /// <summary>The JSON value as an element that outlives this call.</summary>
    /// <exception cref="InvalidOperationException">This is a bytes payload.</exception>
    public JsonElement AsJsonElement()
    {
        using var document = JsonDocument.Parse(EnsureJson(nameof(AsJsonElement)).AsMemory());
        return document.RootElement.Clone();
    }

    /// <summary>The JSON text, or a short description of a bytes payload ("12 bytes").</summary>
    public override string ToString() =>
        IsJson ? Encoding.UTF8.GetString(_data) : $"{_data.Length} {(_data.Length == 1 ? "byte" : "bytes")}";

    /// <summary>Equal when both are JSON or both bytes and their bytes are the same.</summary>
    public bool Equals(TaskPayload? other) =>
        other is not null && (ReferenceEquals(this, other) || (IsJson == other.IsJson && _data.AsSpan().SequenceEqual(other._data)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TaskPayload);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsJson);
        hash.AddBytes(_data);
        return hash.ToHashCode();
    }

    /// <summary>Equal contents (<see cref="Equals(TaskPayload?)"/>).</summary>
    public static bool operator ==(TaskPayload? left, TaskPayload? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Different contents (<see cref="Equals(TaskPayload?)"/>).</summary>
    public static bool operator !=(TaskPayload? left, TaskPayload? right) => !(left == right);

    private byte[] EnsureJson(string method) => IsJson
        ? _data
        : throw new InvalidOperationException(
            $"This payload holds {_data.Length} raw bytes, not JSON: {method} reads JSON payloads only (read the bytes from Data).");
}
