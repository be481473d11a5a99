namespace ActorFarm.Perf.Harness;

/// <summary>Finds programs on PATH, to tell what a peer needs before trying it.</summary>
public static class Executables
{
    public static string? Find(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
