using System.Collections.Frozen;

namespace ActorFarm.Persistence;

/// <summary>
/// The names written as the manifest of every journal event and snapshot. They are stored in
/// every journal row for as long as the journal lives, so they are spelled out here instead of
/// derived from CLR names: renaming or moving a record must never change what is written, and
/// a name once written must keep meaning the same thing.
/// </summary>
/// <remarks>
/// Rules: never change or reuse a name. A breaking change to an event's JSON gets a new name
/// (<c>.v2</c>); the old name keeps reading, as a record of its own or through
/// <see cref="ReadOnlyEntries"/>, so old rows still recover. A test fails when a concrete
/// <see cref="IJournalEvent"/> is missing here.
/// </remarks>
internal static class JournalTypeNames
{
    /// <summary>Every journal type and its manifest, in no particular order.</summary>
    public static IReadOnlyList<KeyValuePair<Type, string>> Entries { get; } =
    [
        new(typeof(JobAccepted), "job-accepted.v1"),
        new(typeof(TaskResultsRecorded), TaskResultsV2),
        new(typeof(JobFinished), "job-finished.v1"),
        new(typeof(JobCancelled), "job-cancelled.v1"),
        new(typeof(JobSnapshot), "job-snapshot.v1"),
        new(typeof(TasksReopened), "tasks-reopened.v1"),
        new(typeof(JobRegistered), "directory.job-registered.v1"),
        new(typeof(JobClosed), "directory.job-closed.v1"),
        new(typeof(AllocationQueueCreated), "allocation.queue-created.v1"),
        new(typeof(AllocationQueueDeleted), "allocation.queue-deleted.v1"),
        new(typeof(AllocationSubmitted), "allocation.submitted.v1"),
        new(typeof(AllocationEnded), "allocation.ended.v1"),
    ];

    /// <summary>Task results as compact rows (<see cref="TaskResultsRows"/>), written since this version.</summary>
    public const string TaskResultsV2 = "task-results.v2";

    /// <summary>Task results as JSON objects: written by earlier versions, still read.</summary>
    public const string TaskResultsV1 = "task-results.v1";

    /// <summary>Names no longer written but still read, and the type they read as.</summary>
    public static IReadOnlyList<KeyValuePair<Type, string>> ReadOnlyEntries { get; } =
    [
        new(typeof(TaskResultsRecorded), TaskResultsV1),
    ];

    private static readonly FrozenDictionary<Type, string> ByType = BuildByType();
    private static readonly FrozenDictionary<string, Type> ByName = BuildByName();

    /// <summary>The manifest of <paramref name="type"/>, or null when it has none.</summary>
    public static string? NameOf(Type type) => ByType.GetValueOrDefault(type);

    /// <summary>The type stored under <paramref name="name"/>, or null for an unknown name.</summary>
    public static Type? TypeOf(string name) => ByName.GetValueOrDefault(name);

    private static FrozenDictionary<Type, string> BuildByType()
    {
        var map = new Dictionary<Type, string>();
        foreach (var (type, name) in Entries)
        {
            if (!map.TryAdd(type, name))
                throw new InvalidOperationException($"Journal type {type.FullName} is listed twice in {nameof(JournalTypeNames)}.");
        }
        return map.ToFrozenDictionary();
    }

    private static FrozenDictionary<string, Type> BuildByName()
    {
        var map = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var (type, name) in Entries.Concat(ReadOnlyEntries))
        {
            if (!map.TryAdd(name, type))
                throw new InvalidOperationException(
                    $"Journal type name '{name}' is used by both {map[name].FullName} and {type.FullName}.");
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
