using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorFarm.Testing;

/// <summary>
/// The TCP ports a process listens on, read from /proc as <c>ss -ltnp</c> would show them to
/// anybody on the machine: what another user would find to aim at.
/// </summary>
public static partial class ListeningPorts
{
    public static IReadOnlyList<int> Of(int pid)
    {
        var sockets = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && SocketInode().Match(target) is { Success: true } m)
                    sockets.Add(m.Groups[1].Value);
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        var ports = new SortedSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A" || !sockets.Contains(fields[9])) continue;
                ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return [.. ports];
    }

    [GeneratedRegex(@"^socket:\[(\d+)\]$")]
    private static partial Regex SocketInode();
}
