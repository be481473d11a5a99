using ActorFarm.Logs;
using ActorFarm.Protocol;
using Akka.Event;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// A farm whose job succeeded logs no error and no warning, from its start through reading the
/// results back to its stop: at the default verbosity, anything it logs (less the framework's
/// known noise, <see cref="FrameworkNoise"/>) reaches the console of a run that went well. (Under the suite's <c>serialize-messages = on</c>, this is also what
/// catches a message of ours or of Akka's that does not survive serialization.)
/// </summary>
public sealed class FarmLogTests
{
    [Fact]
    public async Task A_farm_that_ran_a_job_and_read_its_results_back_logs_no_error_or_warning()
    {
        var log = CapturedLog.Start();
        await using (var farm = await TestFarm.StartAsync(configure: o => o with { Config = log.Config.WithFallback(o.Config) }))
        {
            var done = await farm.RunAsync(Specs.Handler("read-back", "noop", 20, farm.StateDirectory));
            Assert.Equal(JobPhase.Finished, done.Phase);
            // Reading results goes through the journal's query side, as the CLI and services do.
            var rows = 0;
            await foreach (var _ in farm.Client.ReadResultsAsync(done.JobId)) rows++;
            Assert.Equal(20, rows);
            await farm.Client.ExportResultsAsync(done.JobId);
            // The query side polls the journal every second: give it a few rounds.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        // What the farm's console logger would print: the framework's known noise goes to DEBUG there.
        // The cluster's warning that its heartbeat timer fired late is about the machine (this suite
        // keeps both cores busy), not the farm: a user on a busy machine should see it, a test ignore it.
        var loud = log.Events.Where(e => e.LogLevel() >= LogLevel.WarningLevel && !FrameworkNoise.IsNoise(e)
            && !(e.Message?.ToString() ?? "").Contains("Scheduled sending of heartbeat was delayed", StringComparison.Ordinal)).ToList();
        Assert.True(loud.Count == 0, $"{loud.Count} errors and warnings, the first: {loud.FirstOrDefault()?.LogSource}: {loud.FirstOrDefault()}");
    }
}
