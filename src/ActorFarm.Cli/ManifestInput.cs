using ActorFarm.Cli.Output;
using ActorFarm.Manifest;

namespace ActorFarm.Cli;

/// <summary>Loads a manifest for a command, reporting every error through the command's output.</summary>
internal static class ManifestInput
{
    /// <summary>The manifest, or null after its errors were reported (the caller exits with code 2).</summary>
    public static ActorFarm.Manifest.Manifest? TryLoad(string path, ManifestOptions options, IOutput output)
    {
        try
        {
            return ManifestLoader.LoadFile(path, options);
        }
        catch (ManifestException e)
        {
            output.ManifestInvalid(path, e.Errors);
            return null;
        }
    }
}
