// Speed is measured here, with BenchmarkDotNet, never by timed unit tests.
//   dotnet run -c Release --project benchmarks/Evs.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
