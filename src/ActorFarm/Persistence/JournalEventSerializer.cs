using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Serialization;

namespace ActorFarm.Persistence;

/// <summary>
/// Writes journal events and snapshots (<see cref="IJournalEvent"/>, bound in
/// <c>hocon/serialization.hocon</c>) as compact JSON under the stable manifests of
/// <see cref="JournalTypeNames"/>; task results, the bulk of a journal, as rows written by hand
/// (<see cref="TaskResultsRows"/>). JSON rather than a binary format because journal rows must
/// stay readable across releases (and by an operator with <c>sqlite3</c>), and because a
/// manifest table, not a CLR type name, decides what a row means.
/// </summary>
internal sealed class JournalEventSerializer : SerializerWithStringManifest
{
    /// <summary>Also listed in <c>akka.actor.serialization-identifiers</c>; stored in every row, must never change.</summary>
    public const int SerializerId = 4172;

    /// <summary>
    /// The one set of options for every journal payload (the format is part of the journal):
    /// camelCase names, enums as camelCase strings, no indentation, nulls and computed
    /// (get-only) properties left out, bitsets as base64.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    public JournalEventSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        JournalTypeNames.NameOf(o.GetType())
        ?? throw new SerializationException(
            $"{o.GetType().FullName} has no journal name: add it to {nameof(JournalTypeNames)} before persisting it.");

    public override byte[] ToBinary(object obj)
    {
        _ = Manifest(obj); // refuse types without a stable name before anything is written
        try
        {
            if (obj is TaskResultsRecorded results) return TaskResultsRows.Write(results);
            return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);
        }
        catch (Exception e)
        {
            throw new SerializationException($"Could not serialize journal event {obj.GetType().FullName}: {e.Message}", e);
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = JournalTypeNames.TypeOf(manifest)
            ?? throw new SerializationException(
                $"Unknown journal manifest '{manifest}': this journal was written by a version of ActorFarm that knows it.");
        try
        {
            if (manifest == JournalTypeNames.TaskResultsV2) return TaskResultsRows.Read(bytes);
            if (manifest == JournalTypeNames.TaskResultsV1)
            {
                // Written before messages had their own field: a success's text is its message.
                var v1 = JsonSerializer.Deserialize<TaskResultsRecorded>(bytes, JsonOptions)
                    ?? throw new SerializationException($"Journal payload '{manifest}' is null.");
                return new TaskResultsRecorded(Array.ConvertAll(v1.Results, r => r.Normalized()));
            }
            return JsonSerializer.Deserialize(bytes, type, JsonOptions)
                ?? throw new SerializationException($"Journal payload '{manifest}' is null.");
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException(
                $"Could not deserialize journal payload '{manifest}' as {type.FullName}: {e.Message}", e);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // Dictionary keys (environment variable names, handler arguments) stay as written.
            DictionaryKeyPolicy = null,
            WriteIndented = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // JobSpec.TaskCount, SweepSpec.Count and the like are computed, not state.
            IgnoreReadOnlyProperties = true,
            // Hand-edited or tool-written rows may not put the sweep axis "kind" first.
            AllowOutOfOrderMetadataProperties = true,
            Converters =
            {
                new JsonStringEnumConverter(JsonNamingPolicy.CamelCase),
                new UInt64ArrayBase64Converter(),
            },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Writes <c>ulong[]</c> (the completed-task bitset of <see cref="JobSnapshot"/>) as base64 of
    /// its little-endian bytes: about 11 characters per word instead of up to 21 for a JSON
    /// number, which matters for jobs of a million tasks. Reads both base64 and a JSON array of
    /// numbers.
    /// </summary>
    private sealed class UInt64ArrayBase64Converter : JsonConverter<ulong[]>
    {
        public override ulong[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                var list = new List<ulong>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    list.Add(reader.GetUInt64());
                return [.. list];
            }

            var bytes = reader.GetBytesFromBase64();
            if (bytes.Length % sizeof(ulong) != 0)
                throw new JsonException($"A base64 bitset must hold a multiple of 8 bytes, not {bytes.Length}.");
            var words = new ulong[bytes.Length / sizeof(ulong)];
            for (var i = 0; i < words.Length; i++)
                words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
            return words;
        }

        public override void Write(Utf8JsonWriter writer, ulong[] value, JsonSerializerOptions options)
        {
            var bytes = new byte[value.Length * sizeof(ulong)];
            for (var i = 0; i < value.Length; i++)
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), value[i]);
            writer.WriteBase64StringValue(bytes);
        }
    }
}
