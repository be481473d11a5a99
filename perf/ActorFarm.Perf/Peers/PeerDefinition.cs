using System.Globalization;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Peers;

/// <summary>
/// A peer system as the harness runs it: its script in perf/peers, the Python modules and
/// programs it needs, the Debian packages that provide them, and environment it needs as root.
/// </summary>
public sealed record PeerDefinition(
    string Name,
    string Script,
    string[] PythonModules,
    string[] Programs,
    string AptPackages,
    IReadOnlyDictionary<string, string> Environment,
    int MaxScalingWorkers,
    bool UnderMpirun = false)
{
    /// <summary>Null when everything is installed; else what is missing and the command that installs it.</summary>
    public string? Missing()
    {
        var missing = Programs.Where(p => Executables.Find(p) is null).Select(p => $"`{p}`").ToList();
        if (!File.Exists(PeerScripts.Python))
            missing.Add(PeerScripts.Python);
        else
            missing.AddRange(PythonModules.Where(m => !PythonHas(m)).Select(m => $"Python module `{m}`"));
        if (missing.Count == 0) return null;
        return $"{string.Join(", ", missing)} missing: apt-get update && apt-get install -y --no-install-recommends {AptPackages}";
    }

    /// <summary>The program and its arguments that run the script with <paramref name="workers"/> workers.</summary>
    public (string Program, List<string> Prefix) Launcher(int workers) => UnderMpirun
        // One rank is the dispatcher, as in the paper's MPI runs; --oversubscribe because the
        // worker count exceeds the 2 cores.
        ? ("mpirun", ["--oversubscribe", "-n", (workers + 1).ToString(CultureInfo.InvariantCulture), PeerScripts.Python])
        : (PeerScripts.Python, []);

    private static readonly Dictionary<string, bool> ModuleCache = new();

    private static bool PythonHas(string module)
    {
        lock (ModuleCache)
        {
            if (ModuleCache.TryGetValue(module, out var known)) return known;
            using var child = ChildProcess.Start(PeerScripts.Python, ["-c", $"import {module}"]);
            var found = child.WaitForExitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult() == 0;
            ModuleCache[module] = found;
            return found;
        }
    }
}
