using ActorFarm.Benchmarks.Support;
using ActorFarm.Manifest;
using BenchmarkDotNet.Attributes;

namespace ActorFarm.Benchmarks.Manifest;

/// <summary>
/// Manifest expansion, which a worker does once per task: decoding an index into its sweep
/// values (product and zip; list, integer and float ranges) and rendering the whole task
/// (argv, environment, directories) from the spec.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private readonly Dictionary<string, string> _into = new(StringComparer.Ordinal);
    private JobSpec _job = null!;
    private SweepSpec _product = null!;
    private SweepSpec _zip = null!;
    private SweepSpec _intRange = null!;
    private long _index;

    [GlobalSetup]
    public void Setup()
    {
        _job = SampleMessages.ProcessJob();
        _product = _job.Sweep;
        _zip = new SweepSpec
        {
            Mode = SweepMode.Zip,
            Axes =
            [
                new IntRangeAxis { Name = "seed", From = 1, To = 100_000 },
                new FloatRangeAxis { Name = "x", From = 0.0, To = 9_999.9, Step = 0.1 },
                new ListAxis { Name = "label", Values = Enumerable.Range(0, 100_000).Select(i => "L" + i).ToArray() },
            ],
        };
        _intRange = new SweepSpec { Axes = [new IntRangeAxis { Name = "i", From = 1, To = 1_000_000 }] };
    }

    /// <summary>Walks the indices so every call decodes a different task.</summary>
    private long NextIndex(long count) => _index = (_index + 7919) % count;

    [Benchmark(Description = "ParametersAt: product of list × int range × float range")]
    public int ProductParameters()
    {
        Sweeps.ParametersAt(_product, NextIndex(_product.Count), _into);
        return _into.Count;
    }

    [Benchmark(Description = "ParametersAt: zip of int range, float range, list")]
    public int ZipParameters()
    {
        Sweeps.ParametersAt(_zip, NextIndex(_zip.Count), _into);
        return _into.Count;
    }

    [Benchmark(Description = "ParametersAt: one int range (the no-op benchmark's sweep)")]
    public int IntRangeParameters()
    {
        Sweeps.ParametersAt(_intRange, NextIndex(_intRange.Count), _into);
        return _into.Count;
    }

    [Benchmark(Description = "TaskRenderer.Render: argv with 4 placeholders, env, workdir, output dir")]
    public object RenderProcessTask() => TaskRenderer.Render(_job, NextIndex(_product.Count), 1, "node-1");

    [Benchmark(Description = "Sweeps.Count: product of three axes")]
    public long CountProduct() => Sweeps.Count(_product);
}
