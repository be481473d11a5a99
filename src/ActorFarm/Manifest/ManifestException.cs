namespace ActorFarm.Manifest;

/// <summary>A manifest could not be loaded. <see cref="Errors"/> holds every problem found (never
/// just the first); the message lists them one per line.</summary>
public sealed class ManifestException : Exception
{
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(string.Join(System.Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    public ManifestException(ManifestError error) : this([error])
    {
    }

    public IReadOnlyList<ManifestError> Errors { get; }
}
