using System.Runtime.InteropServices;

namespace ActorFarm.Perf.Harness;

/// <summary>The machine a run was measured on, as RESULTS.md states it.</summary>
public sealed record MachineInfo(int Cores, long MemoryBytes, string Os, string DotNet, string CpuModel)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        MemTotalBytes(),
        OsName(),
        RuntimeInformation.FrameworkDescription,
        ReadCpuModel());

    public string Describe() =>
        $"{Cores} cores ({CpuModel}), {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB memory, {Os}, {DotNet}";

    private static string ReadCpuModel() => FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static long MemTotalBytes()
    {
        var kb = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kb is null ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : long.Parse(kb) * 1024;
    }

    private static string OsName()
    {
        var pretty = FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"');
        return $"{pretty ?? RuntimeInformation.OSDescription} (kernel {Environment.OSVersion.Version})";
    }

    /// <summary>The value of the first "key: value" (or key=value) line of a /proc-style file.</summary>
    private static string? FirstValue(string file, string key, char separator = ':')
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var at = line.IndexOf(separator);
            if (at > 0 && line[..at].Trim() == key) return line[(at + 1)..].Trim();
        }
        return null;
    }
}
