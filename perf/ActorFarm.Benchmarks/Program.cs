using ActorFarm.Benchmarks.Support;
using BenchmarkDotNet.Running;

// --quick: 3 measured iterations instead of 10 (a first look). Everything else is
// BenchmarkDotNet's own, e.g. --filter '*Wire*' or --list flat.
var quick = args.Contains("--quick");
var benchmarkArgs = args.Where(a => a != "--quick").ToArray();
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkSettings).Assembly).Run(benchmarkArgs, BenchmarkSettings.Create(quick));
