namespace ActorFarm.Manifest;

/// <summary>A manifest could not be loaded. <see cref="Errors"/> holds every problem found (never
/// just the first); the message lists them one per line.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>A manifest with the problems <paramref name="errors"/>.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(string.Join(System.Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>A manifest with one problem.</summary>
    public ManifestException(ManifestError error) : this([error])
    {
    }

    /// <summary>Every problem found, in the order of the manifest.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }
}
