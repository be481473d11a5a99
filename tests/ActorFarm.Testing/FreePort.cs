using System.Net;
using System.Net.Sockets;

namespace ActorFarm.Testing;

/// <summary>
/// Ports on 127.0.0.1 that are free right now, for processes that need a fixed address (seeds,
/// restarts). They come from below the kernel's ephemeral range (<c>ip_local_port_range</c>,
/// 32768–60999 by default), never from it: a port taken by binding port 0 and handed back is free for
/// any other process's bind to port 0 or outgoing connection until the test's process binds it, and
/// .NET on Linux sets SO_REUSEPORT with SO_REUSEADDR, so a farm process that got the same port
/// shared the listening address silently (a coordinator's connections then reached another test's
/// farm, and its TLS pinning refused it). Each test process starts at its own offset.
/// </summary>
public static class FreePort
{
    private const int First = 20000, Last = 32000;
    private static int _next = First + Environment.ProcessId % 60 * 200;

    public static int Next()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var port = First + (Interlocked.Increment(ref _next) - First) % (Last - First);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free port on 127.0.0.1 between {First} and {Last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
