namespace ActorFarm.Testing;

/// <summary>The checkout's root folder (the one holding ActorFarm.sln), found from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ActorFarm.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ActorFarm.sln not found above " + AppContext.BaseDirectory);
    }
}
