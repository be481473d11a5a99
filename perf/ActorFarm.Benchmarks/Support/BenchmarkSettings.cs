using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ActorFarm.Benchmarks.Support;

/// <summary>
/// One configuration for every benchmark: in-process (no generated project to build; the
/// solution's central package management and warnings-as-errors would apply to it), a moderate
/// iteration count so the whole suite runs in minutes on two cores, allocations measured, and
/// reports written as CSV and Markdown under perf/results/benchmarks.
/// </summary>
public static class BenchmarkSettings
{
    public static IConfig Create(bool quick) =>
        ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(quick ? 3 : 10))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(PayloadBytesColumn.Instance)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(CsvExporter.Default, MarkdownExporter.GitHub)
            .WithArtifactsPath(ArtifactsPath())
            .WithOptions(ConfigOptions.JoinSummary);

    /// <summary>perf/results/benchmarks of the checkout this build lives in.</summary>
    private static string ArtifactsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorFarm.sln")))
                return Path.Combine(dir.FullName, "perf", "results", "benchmarks");
        return Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
    }
}
