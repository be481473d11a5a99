using System.Text.Json;
using ActorFarm.Perf.Harness;
using ActorFarm.Testing;

namespace ActorFarm.Perf.Farm;

/// <summary>One measured run of an embedded farm in a fresh process, and what it reported.</summary>
public sealed record EmbeddedRun(DateTimeOffset LaunchedAt, JobRunReport Report, IReadOnlyList<RssSample> RssTimeline)
{
    /// <summary>Launch to the first task's start (from the results file), when it was scanned.</summary>
    public double? StartupSeconds => Report.Results is { } r ? (r.FirstStart - LaunchedAt).TotalSeconds : null;

    /// <summary>Launch to the farm being an Up cluster member.</summary>
    public double HostReadySeconds => (Report.HostStartedAt - LaunchedAt).TotalSeconds;

    /// <summary>Launch to the runtime entering Main (the .NET runtime's own start).</summary>
    public double RuntimeSeconds => (Report.MainEnteredAt - LaunchedAt).TotalSeconds;

    /// <summary>Submit to the final status (all results journaled, results file written).</summary>
    public double SubmitToFinalSeconds => (Report.FinalStatusAt - Report.SubmittedAt).TotalSeconds;
}

/// <summary>A resident-memory reading of a child process, taken while it ran.</summary>
public readonly record struct RssSample(double Seconds, long RssBytes);

/// <summary>
/// The harness side of a farm measurement: starts <see cref="EmbeddedJobProbe"/> in a child
/// process (this same program in <c>run-job</c> mode), optionally samples its resident memory,
/// and reads back its report.
/// </summary>
public static class EmbeddedJobLauncher
{
    public static string ProgramPath => typeof(EmbeddedJobLauncher).Assembly.Location;

    public static async Task<EmbeddedRun> RunAsync(string manifestPath, int slots, string workDirectory, bool scanResults,
        TimeSpan timeout, TimeSpan? rssEvery = null, bool insecure = false, int jobs = 1, string? dashboardUrlFile = null,
        bool awaitPage = false, CancellationToken cancellationToken = default)
    {
        var reportPath = Path.Combine(workDirectory, "report.json");
        var args = new List<string>
        {
            EmbeddedJobProbe.Mode, "--manifest", manifestPath, "--state-dir", Path.Combine(workDirectory, "state"),
            "--slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture), "--report", reportPath,
        };
        if (scanResults) args.Add("--scan-results");
        if (insecure) args.Add("--insecure");
        if (jobs > 1) args.AddRange(["--jobs", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (dashboardUrlFile is not null) args.AddRange(["--dashboard-url-file", dashboardUrlFile]);
        if (awaitPage) args.Add("--await-page");

        using var child = ChildProcess.StartDotnet(ProgramPath, args, workDirectory);
        var timeline = new List<RssSample>();
        var sampling = rssEvery is { } every ? SampleAsync(child, every, timeline, cancellationToken) : Task.CompletedTask;
        var code = await child.WaitForExitAsync(timeout, cancellationToken);
        await sampling;
        if (code != 0 || !File.Exists(reportPath))
            throw new InvalidOperationException($"the farm probe exited with {code}.\n{child.Tail()}");
        var report = JsonSerializer.Deserialize<JobRunReport>(await File.ReadAllTextAsync(reportPath, cancellationToken), JobRunReport.Json)!;
        return new EmbeddedRun(child.LaunchedAt, report, timeline);
    }

    private static async Task SampleAsync(ChildProcess child, TimeSpan every, List<RssSample> into, CancellationToken cancellationToken)
    {
        var pid = child.Pid;
        while (!child.HasExited && !cancellationToken.IsCancellationRequested)
        {
            if (ProcessMemory.CurrentRssBytes(pid) is { } rss)
                into.Add(new RssSample((DateTimeOffset.UtcNow - child.LaunchedAt).TotalSeconds, rss));
            try
            {
                await Task.Delay(every, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
