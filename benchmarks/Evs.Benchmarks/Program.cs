// Speed is measured here, with BenchmarkDotNet, never by timed unit tests.
//   dotnet run -c Release --project benchmarks/Evs.Benchmarks -- --filter '*'
// One measurement is of wall-clock time over loopback instead (LeaveMeasurement):
//   dotnet run -c Release --project benchmarks/Evs.Benchmarks -- leave 30
using BenchmarkDotNet.Running;

if (args is ["leave", .. var rest])
    await LeaveMeasurement.RunAsync(rest is [var runs] ? int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture) : 20);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
