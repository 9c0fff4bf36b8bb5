// Measuring a lab's grading by mutation (issue 15, item 2): compile the lab's mutant schema once,
// grade the reference to learn how long a passing grade takes (and that it passes), then every
// mutant in worker processes (MutationWorker) with the lab's own schedules, stopping each at its
// first failing row. A mutant that outlives five times the reference's time, or that ends its
// worker (a stack overflow), is caught: the grader would report it too. What survives is either
// equivalent to the reference — listed, with the reason, in the lab's equivalent-mutants.md — or
// a mistake the grading lets through.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Evs.Grading.Labs;

namespace Evs.Grading.Mutation;

/// <summary>What a mutation campaign found for one lab.</summary>
/// <param name="Lab">The lab.</param>
/// <param name="Mutants">Every mutant that compiles.</param>
/// <param name="NotCompiling">The mutants that do not compile (not counted).</param>
/// <param name="Outcomes">The outcome of each compiling mutant.</param>
/// <param name="Equivalent">The lab's mutants listed as equivalent to the reference, by key, with the reason.</param>
/// <param name="ReferenceSeconds">How long the reference's passing grade took.</param>
public sealed record MutationReport(Lab Lab, ImmutableArray<Mutant> Mutants, ImmutableArray<Mutant> NotCompiling,
    ImmutableDictionary<int, MutantOutcome> Outcomes, ImmutableDictionary<string, string> Equivalent, double ReferenceSeconds)
{
    /// <summary>The mutants some row caught.</summary>
    public IEnumerable<Mutant> Caught => Mutants.Where(m => Outcomes[m.Id].Caught);

    /// <summary>The mutants no row caught and that are listed as equivalent.</summary>
    public IEnumerable<Mutant> EquivalentSurvivors => Mutants.Where(m => !Outcomes[m.Id].Caught && Equivalent.ContainsKey(m.Key));

    /// <summary>The mutants no row caught and that are not listed as equivalent: mistakes the grading lets through.</summary>
    public IEnumerable<Mutant> Survivors => Mutants.Where(m => !Outcomes[m.Id].Caught && !Equivalent.ContainsKey(m.Key));

    /// <summary>The mutation score: caught among the mutants that are not equivalent, in percent.</summary>
    public double Score
    {
        get
        {
            int counted = Mutants.Length - EquivalentSurvivors.Count();
            return counted == 0 ? 100 : 100.0 * Caught.Count() / counted;
        }
    }
}

/// <summary>Runs a lab's mutants through its grading.</summary>
public static partial class MutationCampaign
{
    /// <summary>The file, in a lab's folder, that lists its equivalent mutants.</summary>
    public const string EquivalentFile = "equivalent-mutants.md";

    /// <summary>The row an outcome names when a mutant outlived its time limit.</summary>
    public const string TimeLimit = "time limit";

    /// <summary>The heap a worker may use: a mutant that grows without end fails its run, not the machine.</summary>
    public const string WorkerHeapLimit = "0x80000000";

    /// <summary>
    /// Grades every mutant of <paramref name="lab"/> with <paramref name="schedules"/> schedules from
    /// <paramref name="seed"/>, in <paramref name="workers"/> processes that <paramref name="startWorker"/>
    /// starts from the given arguments; <paramref name="progress"/> hears each mutant as it is graded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The reference does not pass its own grading.</exception>
    public static MutationReport Run(Repository repository, Lab lab, int schedules, ulong seed, int workers,
        Func<IReadOnlyList<string>, ProcessStartInfo> startWorker, Action<MutantOutcome>? progress = null)
    {
        var library = MutantLibrary.Build(repository, lab);
        var folder = Directory.CreateTempSubdirectory("evs-mutants-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, MutationWorker.ImageFile), library.Compiled.Image);
            File.WriteAllBytes(Path.Combine(folder, MutationWorker.SymbolsFile), library.Compiled.Symbols);
            var arguments = MutationWorker.Arguments(lab, folder, schedules, seed);
            using var first = new Worker(startWorker(arguments));
            var reference = first.Grade(0, TimeSpan.FromMinutes(30));
            if (reference.Caught)
                throw new InvalidOperationException($"the reference of lab {lab.Number} fails its own grading ({reference.Row} on schedule {reference.Schedule}): fix that first");
            var limit = TimeSpan.FromSeconds(Math.Max(30, 5 * reference.Seconds));
            var queue = new ConcurrentQueue<Mutant>(library.Mutants);
            var outcomes = new ConcurrentDictionary<int, MutantOutcome>();
            var pool = Enumerable.Range(0, Math.Max(1, workers)).Select(i => Task.Run(() =>
            {
                Worker? worker = i == 0 ? first : null;
                try
                {
                    while (queue.TryDequeue(out var mutant))
                    {
                        worker ??= new Worker(startWorker(arguments));
                        var outcome = worker.Grade(mutant.Id, limit);
                        if (worker.Ended) { worker.Dispose(); worker = null; }
                        outcomes[mutant.Id] = outcome;
                        progress?.Invoke(outcome);
                    }
                }
                finally
                {
                    if (worker != first) worker?.Dispose();
                }
            })).ToArray();
            Task.WaitAll(pool);
            return new MutationReport(lab, library.Mutants, library.NotCompiling, outcomes.ToImmutableDictionary(),
                EquivalentMutants(Path.Combine(repository.FolderOf(lab), EquivalentFile)), reference.Seconds);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The equivalent mutants a lab lists: lines <c>- `KEY` reason</c> (the key as <see cref="Mutant.Key"/>
    /// prints it), other lines being prose. None when the file does not exist.
    /// </summary>
    public static ImmutableDictionary<string, string> EquivalentMutants(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(line => EquivalentLine().Match(line)).Where(m => m.Success)
                .ToImmutableDictionary(m => m.Groups["key"].Value, m => m.Groups["why"].Value.Trim())
            : ImmutableDictionary<string, string>.Empty;

    [GeneratedRegex(@"^- `(?<key>[^`]+)`(?<why>.*)$")]
    private static partial Regex EquivalentLine();

    // One worker process: a mutant number in, one outcome line out. A worker that is too slow is
    // killed; one that ends by itself has been ended by the mutant.
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly RecentLines _errors = new();

        public Worker(ProcessStartInfo start)
        {
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            start.Environment["DOTNET_GCHeapHardLimit"] = WorkerHeapLimit;
            _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
            _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) _errors.Add(line); };
            _process.BeginErrorReadLine();
        }

        public bool Ended { get; private set; }

        public MutantOutcome Grade(int id, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            _process.StandardInput.WriteLine(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(limit))
            {
                Ended = true;
                _process.Kill(entireProcessTree: true);
                return new MutantOutcome(id, true, TimeLimit, -1, clock.Elapsed.TotalSeconds);
            }
            if (line.Result is { } json) return JsonSerializer.Deserialize<MutantOutcome>(json)!;
            Ended = true;
            _process.WaitForExit();
            return new MutantOutcome(id, true, HowItEnded(), -1, clock.Elapsed.TotalSeconds);
        }

        // The runtime names a stack overflow on stderr before it ends the process.
        private string HowItEnded() =>
            _errors.Any(l => l.Contains("Stack overflow", StringComparison.Ordinal)) ? "stack overflow"
            : _errors.Any(l => l.Contains("OutOfMemory", StringComparison.Ordinal)) ? "out of memory"
            : $"worker ended (exit code {_process.ExitCode}): {_errors.LastOrDefault() ?? "no message"}";

        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }

    // The last lines a worker wrote to stderr, kept from the reading thread.
    private sealed class RecentLines
    {
        private const int Kept = 50;
        private readonly ConcurrentQueue<string> _lines = new();

        public void Add(string line)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Kept) _lines.TryDequeue(out _);
        }

        public bool Any(Func<string, bool> test) => _lines.Any(test);

        public string? LastOrDefault() => _lines.LastOrDefault();
    }
}
