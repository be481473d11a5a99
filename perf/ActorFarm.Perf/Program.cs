using ActorFarm.Perf.Embedding;
using ActorFarm.Perf.Farm;
using ActorFarm.Perf.Harness;
using ActorFarm.Perf.Tls;

// Taken first: a farm probe reports when the runtime handed it control.
var mainEnteredAt = DateTimeOffset.UtcNow;

if (args.Length > 0 && args[0] == EmbeddedJobProbe.Mode)
    return await EmbeddedJobProbe.RunAsync(args, mainEnteredAt);
if (args.Length > 0 && args[0] == AssociationProbe.Mode)
    return await AssociationProbe.RunAsync(args);
if (args.Length > 0 && args[0] == ServiceProbe.Mode)
    return await ServiceProbe.RunAsync(args, mainEnteredAt);

PerfOptions options;
try
{
    options = PerfCommandLine.Parse(args, PerfCommandLine.FindRepositoryRoot());
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
return await PerfHarness.RunAsync(options);
