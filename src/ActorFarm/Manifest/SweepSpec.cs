using System.Text.Json.Serialization;

namespace ActorFarm.Manifest;

/// <summary>How the axes of a sweep combine into tasks.</summary>
public enum SweepMode
{
    /// <summary>Cartesian product; the last axis varies fastest.</summary>
    Product,

    /// <summary>Axes advance together; all must have the same length.</summary>
    Zip,
}

/// <summary>
/// A parameter sweep: named axes combined by product or zip. It is never expanded:
/// <see cref="Count"/> and the parameters of one index are computed on demand, so a job of
/// a million tasks costs no memory per task.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>No axes: one task with no parameters.</summary>
    public static readonly SweepSpec Single = new() { Axes = [] };

    /// <summary>Axes in manifest order. No axes means a single task with no parameters.</summary>
    public required SweepAxis[] Axes { get; init; }

    /// <summary>How the axes combine; default: the product.</summary>
    public SweepMode Mode { get; init; } = SweepMode.Product;

    /// <summary>Number of tasks the sweep gives, computed without expanding it.</summary>
    public long Count => Sweeps.Count(this);
}

/// <summary>One named axis of a sweep. Subtypes are plain data; evaluation lives in <see cref="Sweeps"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ListAxis), "list")]
[JsonDerivedType(typeof(IntRangeAxis), "int-range")]
[JsonDerivedType(typeof(FloatRangeAxis), "float-range")]
[JsonDerivedType(typeof(FileLinesAxis), "file-lines")]
public abstract record SweepAxis
{
    /// <summary>The parameter's name, used as <c>${name}</c> in the command.</summary>
    public required string Name { get; init; }
}

/// <summary>An explicit list of values, kept as the strings the manifest gave.</summary>
public sealed record ListAxis : SweepAxis
{
    /// <summary>The values, in order.</summary>
    public required string[] Values { get; init; }
}

/// <summary>from, from+step, … up to and including <c>To</c> (never past it).</summary>
public sealed record IntRangeAxis : SweepAxis
{
    /// <summary>The first value.</summary>
    public required long From { get; init; }

    /// <summary>The last value, when a step lands on it.</summary>
    public required long To { get; init; }

    /// <summary>The increment (negative counts down); default 1.</summary>
    public long Step { get; init; } = 1;
}

/// <summary>from + i·step for i = 0 … Count-1, computed from i (no accumulated rounding).</summary>
public sealed record FloatRangeAxis : SweepAxis
{
    /// <summary>The first value.</summary>
    public required double From { get; init; }

    /// <summary>The last value, when a step lands on it (within rounding).</summary>
    public required double To { get; init; }

    /// <summary>The increment.</summary>
    public required double Step { get; init; }
}

/// <summary>
/// The non-blank lines of a text file. The count is taken when the manifest is loaded; the
/// lines themselves are read where tasks are rendered (the file must be reachable there,
/// as on the shared file system of a cluster).
/// </summary>
public sealed record FileLinesAxis : SweepAxis
{
    /// <summary>Absolute path.</summary>
    public required string Path { get; init; }

    /// <summary>The number of non-blank lines, counted when the manifest was loaded.</summary>
    public required long LineCount { get; init; }
}
