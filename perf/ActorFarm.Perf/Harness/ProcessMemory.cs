using System.Globalization;

namespace ActorFarm.Perf.Harness;

/// <summary>Resident memory of a process from /proc: now (VmRSS) and the peak so far (VmHWM).</summary>
public static class ProcessMemory
{
    public static long? CurrentRssBytes(int pid) => ReadKb(pid, "VmRSS:") * 1024;

    public static long? PeakRssBytes(int pid) => ReadKb(pid, "VmHWM:") * 1024;

    private static long? ReadKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has exited.
        }
        return null;
    }

    public static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);
}
