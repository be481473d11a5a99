using System.Collections;
using System.Runtime.InteropServices;
using ActorFarm.Hosting;
using ActorFarm.Lighthouse;
using Akka.Actor;
using ActorFarm.Security;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;

// The farm's seed node. It does no work and hosts no job: it is the fixed address every node
// and client knows, and the receptionist through which clients outside the cluster reach it.
// Its settings come from the environment (LighthouseConfig); its one argument, --json, makes what
// it says on stdout one JSON object per line, with the event names of `actorfarm node --json`,
// for scripts and tests to wait on (a person reads the text lines).
if (args is not ([] or ["--json"]))
{
    Console.Error.WriteLine("lighthouse: usage: ActorFarm.Lighthouse [--json] (settings in the environment: see lighthouse/README.md)");
    return 2;
}
var json = args is ["--json"];
void Say(string text, object jsonEvent) => Console.WriteLine(json ? System.Text.Json.JsonSerializer.Serialize(jsonEvent) : text);

var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
Akka.Configuration.Config config;
RemotingSecurity security;
try
{
    security = RemotingSecurity.Resolve(LighthouseConfig.Access(environment), LighthouseConfig.Overrides(environment),
        path => Console.Error.WriteLine($"lighthouse: created the farm's access file {path} (mode 0600); every node and client of this farm needs it"));
    config = LighthouseConfig.Build(environment, security);
}
catch (Exception e) when (e is ArgumentException or AccessFileException)
{
    Console.Error.WriteLine($"lighthouse: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    // The access file could not be written (a full disk, a directory it may not write).
    Console.Error.WriteLine($"lighthouse: could not start: {e.Message}");
    return 3;
}

ActorSystem system;
try
{
    system = security.CreateSystem("actorfarm", config);
    if (security.IsInsecure)
        Console.Error.WriteLine($"lighthouse: warning: {RemotingSecurity.InsecureWarning(Cluster.Get(system).SelfAddress.ToString())}");
}
catch (Exception e)
{
    // One line naming the cause (a port in use, a missing certificate), as every farm process
    // reports its errors; the log lines above it, if any, went to stderr too.
    Console.Error.WriteLine($"lighthouse: could not start: {ActorFarm.Logs.ErrorText.Cause(e)}");
    return 3;
}

ClusterClientReceptionist.Get(system);
var cluster = Cluster.Get(system);
cluster.RegisterOnMemberUp(() => Say($"lighthouse up at {cluster.SelfAddress}",
    new { @event = "lighthouse-up", address = cluster.SelfAddress.ToString() }));

// SIGTERM and Ctrl+C: leave the cluster cleanly instead of being detected as dead.
void Leave(PosixSignalContext context)
{
    context.Cancel = true;
    CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
}
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);

await system.WhenTerminated;
Say("lighthouse stopped", new { @event = "lighthouse-stopped" });
return 0;
