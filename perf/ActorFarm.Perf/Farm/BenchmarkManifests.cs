using System.Globalization;
using System.Text.Json;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// The manifests the benchmarks run, written as HOCON files the way a user would write them, so
/// every run also goes through manifest loading. Output capture is off throughout: the figures
/// are about dispatch, not about writing task output.
/// </summary>
public static class BenchmarkManifests
{
    /// <summary><c>handler = noop</c> over 1..tasks.</summary>
    public static string Noop(string name, long tasks) => $$"""
        jobs {
          {{name}} {
            handler = noop
            sweep { i = { from = 1, to = {{tasks}} } }
            output { directory = "out", capture = none }
          }
        }
        """;

    /// <summary>One process per task: <c>argv</c> over 1..tasks (the index is not passed to the program).</summary>
    public static string Process(string name, IReadOnlyList<string> argv, long tasks) => $$"""
        jobs {
          {{name}} {
            command = [{{string.Join(", ", argv.Select(Quote))}}]
            sweep { i = { from = 1, to = {{tasks}} } }
            output { directory = "out", capture = none }
          }
        }
        """;

    /// <summary>In-process <c>sleep</c> handler, one task per line of the durations file (seconds).</summary>
    public static string SleepHandler(string name, string durationsFile) => $$"""
        jobs {
          {{name}} {
            handler = sleep
            handler-args { seconds = "${d}" }
            sweep { d = { file = {{Quote(durationsFile)}} } }
            output { directory = "out", capture = none }
          }
        }
        """;

    /// <summary>A real <c>sleep</c> process per line of the durations file.</summary>
    public static string SleepProcess(string name, string durationsFile) => $$"""
        jobs {
          {{name}} {
            command = ["sleep", "${d}"]
            sweep { d = { file = {{Quote(durationsFile)}} } }
            output { directory = "out", capture = none }
          }
        }
        """;

    /// <summary>Writes a manifest into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory, string text, string fileName = "jobs.hocon")
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A JSON string literal is a valid quoted HOCON string.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);

    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
