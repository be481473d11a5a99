using System.Net;

namespace ActorFarm.Dashboard;

/// <summary>The address a dashboard listens on, from <c>[host:]port</c>; loopback when no host is named.</summary>
public sealed record DashboardListen(IPAddress Address, int Port)
{
    /// <summary>
    /// <c>8265</c> (loopback), <c>127.0.0.1:8265</c>, <c>0.0.0.0:8265</c> (every interface),
    /// <c>[::1]:8265</c>, or a host name that resolves on this machine.
    /// </summary>
    /// <exception cref="ArgumentException">Not <c>[host:]port</c>, or a port outside 0–65535.</exception>
    public static DashboardListen Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        var hostPart = colon < 0 ? null : trimmed[..colon].Trim('[', ']');
        var portPart = colon < 0 ? trimmed : trimmed[(colon + 1)..];
        if (!int.TryParse(portPart, out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"--dashboard: expected [host:]port with a port from 0 to 65535, got '{text}'");
        if (string.IsNullOrEmpty(hostPart))
            return new DashboardListen(IPAddress.Loopback, port);
        if (IPAddress.TryParse(hostPart, out var address))
            return new DashboardListen(address, port);
        try
        {
            var resolved = Dns.GetHostAddresses(hostPart);
            return resolved.Length > 0
                ? new DashboardListen(resolved[0], port)
                : throw new ArgumentException($"--dashboard: host '{hostPart}' has no address");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ArgumentException($"--dashboard: host '{hostPart}' does not resolve: {e.Message}");
        }
    }

    /// <summary>Only this machine can reach it.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);
}
