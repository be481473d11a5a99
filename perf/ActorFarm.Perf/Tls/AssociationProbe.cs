using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorFarm.Security;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFarm.Perf.Tls;

/// <summary>
/// The raw cost of a secured connection, without a farm around it (<c>ActorFarm.Perf.dll associate
/// [--insecure] --pairs N --report FILE</c>): one "server" actor system, then N "client" systems in
/// turn, each asking the server's user guardian to identify itself twice. The first ask opens the
/// association (TCP connect, with TLS the mutual handshake with the farm's pinned certificate, then
/// Akka's own handshake); the second travels on it. The first client pays the cold code paths
/// (JIT, first TLS session); the others show the handshake alone. The access rule is the one the
/// cluster uses: one access file shared by both ends, or plain TCP.
/// </summary>
public static class AssociationProbe
{
    public const string Mode = "associate";

    private static readonly Config Remoting = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.log-remote-lifecycle-events = off
        akka.loglevel = WARNING
        """);

    public static async Task<int> RunAsync(string[] args)
    {
        string? reportPath = null;
        var pairs = 5;
        var insecure = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--report": reportPath = args[++i]; break;
                case "--pairs": pairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--insecure": insecure = true; break;
                default: throw new ArgumentException($"{Mode}: unknown option {args[i]}");
            }
        }
        if (reportPath is null) throw new ArgumentException($"{Mode} needs --report");

        var clock = Stopwatch.StartNew();
        var accessFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, "access.pem");
        var security = RemotingSecurity.Resolve(
            insecure ? new FarmAccess.Insecure() : new FarmAccess.FromFile(accessFile, CreateIfMissing: true), null);
        var credentialSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var server = security.CreateSystem("server", security.Hocon.WithFallback(Remoting));
        var serverStartSeconds = clock.Elapsed.TotalSeconds;
        var guardian = new RootActorPath(((ExtendedActorSystem)server).Provider.DefaultAddress) / "user";

        var contacts = new List<AssociationContact>();
        try
        {
            for (var i = 0; i < pairs; i++)
            {
                clock.Restart();
                var client = security.CreateSystem($"client{i}", security.Hocon.WithFallback(Remoting));
                var clientStartSeconds = clock.Elapsed.TotalSeconds;
                try
                {
                    var selection = client.ActorSelection(guardian);
                    clock.Restart();
                    await Identify(selection, 1);
                    var firstSeconds = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    await Identify(selection, 2);
                    contacts.Add(new AssociationContact(clientStartSeconds, firstSeconds, clock.Elapsed.TotalSeconds));
                }
                finally
                {
                    await client.Terminate();
                }
            }
        }
        finally
        {
            await server.Terminate();
        }

        var report = new AssociationReport(security.Tls, credentialSeconds, serverStartSeconds, contacts);
        await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report));
        return 0;
    }

    private static async Task Identify(ActorSelection selection, int id)
    {
        var identity = await selection.Ask<ActorIdentity>(new Identify(id), TimeSpan.FromSeconds(30));
        if (identity.Subject is null || !Equals(identity.MessageId, id))
            throw new InvalidOperationException($"the server's guardian did not identify itself ({identity.MessageId})");
    }
}

/// <summary>What <see cref="AssociationProbe"/> measured, in seconds.</summary>
public sealed record AssociationReport(bool Tls, double CredentialSeconds, double ServerStartSeconds, IReadOnlyList<AssociationContact> Contacts);

/// <summary>One client system: its start, its first ask (opens the association) and its second (on the open association).</summary>
public sealed record AssociationContact(double ClientStartSeconds, double FirstAskSeconds, double SecondAskSeconds);
