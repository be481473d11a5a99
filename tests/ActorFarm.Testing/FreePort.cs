using System.Net;
using System.Net.Sockets;

namespace ActorFarm.Testing;

/// <summary>Ports on 127.0.0.1 that are free right now, for processes that need a fixed address (seeds, restarts).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
