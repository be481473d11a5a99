
namespace ActorFarm.Testing;

/// <summary>Manifests the process tests run, written into the cluster's directory.</summary>
public static class TestManifests
{
    /// <summary><paramref name="tasks"/> in-process sleep tasks of <paramref name="seconds"/> each.</summary>
    public static string Sleep(TempDirectory dir, string name, int tasks, double seconds)
    {
        var path = dir.File(name + ".hocon");
        File.WriteAllText(path, $$"""
            jobs {
              {{name}} {
                handler = sleep
                handler-args { seconds = "{{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}" }
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        return path;
    }

    /// <summary>
    /// <paramref name="tasks"/> process tasks that each leave a file behind per execution
    /// (<c>executions/&lt;index&gt;.&lt;random&gt;</c>) and sleep: runs are counted by their side effects.
    /// </summary>
    public static string CountedRuns(TempDirectory dir, string name, int tasks, double seconds, out string executions)
    {
        executions = Directory.CreateDirectory(dir.File("executions-" + name)).FullName;
        var path = dir.File(name + ".hocon");
        File.WriteAllText(path, $$"""
            jobs {
              {{name}} {
                command = ["/bin/sh", "-c", "mktemp \"$0/${index}.XXXXXX\" > /dev/null; sleep {{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}", "{{executions}}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        return path;
    }

    /// <summary>Executions per task index, from the side-effect files.</summary>
    public static Dictionary<long, int> Executions(string directory) =>
        Directory.EnumerateFiles(directory)
            .Select(f => long.Parse(Path.GetFileName(f).Split('.')[0]))
            .GroupBy(i => i)
            .ToDictionary(g => g.Key, g => g.Count());
}
