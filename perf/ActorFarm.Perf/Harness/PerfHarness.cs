using System.Diagnostics;
using ActorFarm.Perf.Parts;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// Runs the parts in order, each in its own try (one failing part is reported and the others
/// still run), then writes RESULTS.md. Exit code 0 only when every part that ran succeeded.
/// </summary>
public static class PerfHarness
{
    public static IReadOnlyList<IPerfPart> AllParts() =>
    [
        new NoopThroughputPart(),
        new ProcessThroughputPart(),
        new WeakScalingPart(),
        new NodeJoinPart(),
        new PeersPart(),
        new MemoryPart(),
        new ResumePart(),
        new TlsCostPart(),
        new DashboardCostPart(),
        new EmbeddingCostPart(),
        new ChaosPart(),
    ];

    public static async Task<int> RunAsync(PerfOptions options)
    {
        var parts = AllParts().Where(p => options.Runs(p.Name)).ToList();
        if (parts.Count == 0)
        {
            Console.Error.WriteLine($"no part named '{options.Only}'; parts: {string.Join(", ", AllParts().Select(p => p.Name))}");
            return 2;
        }
        if (options.Smoke && options.Only is null)
            parts.RemoveAll(p => p is PeersPart or NodeJoinPart); // peers need packages the smoke test must not require; a join needs a cluster of three processes
        if (options.Only is null)
            parts.RemoveAll(p => p is ChaosPart); // the long chaos mode runs only when named (--only chaos)

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var run = new PerfRun(options);
        var failures = new List<string>();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            foreach (var part in parts)
            {
                PerfRun.Log($"part {part.Name}: starting");
                try
                {
                    await part.RunAsync(run, cancel.Token);
                    PerfRun.Log($"part {part.Name}: done");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add($"{part.Name}: {e.Message}");
                    run.Report.AddSection($"Part {part.Name}: FAILED", $"```\n{e}\n```");
                    PerfRun.Log($"part {part.Name}: FAILED: {e}");
                }
            }
        }
        finally
        {
            Directory.CreateDirectory(options.OutputRoot);
            await File.WriteAllTextAsync(options.ReportPath,
                run.Report.Render(options, MachineInfo.Current(), started, clock.Elapsed));
            PerfRun.Log($"wrote {options.ReportPath}");
            TryDelete(run.Scratch);
        }
        return failures.Count == 0 ? 0 : 1;
    }

    private static void TryDelete(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A child that is still going down holds a file; the OS cleans temp.
        }
    }
}
