using System.Globalization;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// The machine's TCP connection table (<c>/proc/net/tcp</c>, <c>tcp6</c>), read to tell whether a
/// farm process has any remoting connection, whatever Akka's logs say: every association is a
/// TCP connection to or from some process's remoting port.
/// </summary>
public static class TcpConnections
{
    private const string Established = "01";

    /// <summary>Established connections with <paramref name="port"/> at either end.</summary>
    public static int EstablishedOnPort(int port)
    {
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            // "  sl  local_address rem_address   st ...", addresses as HEXIP:HEXPORT.
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != Established) continue;
                if (PortOf(fields[1]) == port || PortOf(fields[2]) == port) count++;
            }
        }
        return count;
    }

    private static int PortOf(string address) =>
        int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
