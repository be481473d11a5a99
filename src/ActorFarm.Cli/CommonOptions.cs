using System.CommandLine;

namespace ActorFarm.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Manifest() => new("--manifest", "-m")
    {
        Description = "The HOCON manifest describing the jobs (see docs/manifest.md).",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Machine-readable JSON on standard output instead of text.",
    };

    public static Option<DirectoryInfo> StateDirectory() => new("--state-dir")
    {
        Description = "Where the embedded farm keeps its journal (SQLite). Running the same manifest with the same state directory resumes its jobs.",
        DefaultValueFactory = _ => new DirectoryInfo(".actorfarm"),
    };

    public static Option<int?> Slots() => new("--slots")
    {
        Description = "Worker slots (tasks run at once) on this node; default: the number of processors.",
    };
}
