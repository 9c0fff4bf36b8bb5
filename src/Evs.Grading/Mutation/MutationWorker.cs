// The child side of the mutation grader. A mutant may loop for ever or overflow its stack, and
// neither can be stopped inside a process, so the mutants are graded in worker processes: each
// loads the compiled schema once, then grades the mutants it is sent on stdin, one line each,
// answering one JSON line per mutant on stdout. The parent (MutationCampaign) kills a worker
// that takes too long and starts another; a mutant that ends its worker is caught by that.
using System.Collections.Immutable;
using System.Text.Json;
using Evs.Grading.Labs;

namespace Evs.Grading.Mutation;

/// <summary>What grading one mutant found: caught or not, by which row, on which schedule.</summary>
/// <param name="Id">The mutant's number (0: the reference).</param>
/// <param name="Caught">Whether some row failed.</param>
/// <param name="Row">The first failing row (a specification, "runs", "settles"), or how the mutant ended its worker.</param>
/// <param name="Schedule">The index of the schedule it failed on, or -1.</param>
/// <param name="Seconds">How long grading it took.</param>
public sealed record MutantOutcome(int Id, bool Caught, string? Row, int Schedule, double Seconds);

/// <summary>Grades mutants of one compiled schema, as a worker process.</summary>
public static class MutationWorker
{
    /// <summary>The file name of the compiled schema in the folder the parent gives its workers.</summary>
    public const string ImageFile = "mutants.dll";

    /// <summary>The file name of its symbols.</summary>
    public const string SymbolsFile = "mutants.pdb";

    /// <summary>
    /// Reads mutant numbers from <paramref name="input"/>, one per line, until it ends, and writes one
    /// <see cref="MutantOutcome"/> per number to <paramref name="output"/>, grading with <paramref name="lab"/>'s
    /// schedules the library in <paramref name="folder"/> (written by <see cref="MutationCampaign"/>).
    /// </summary>
    public static void Serve(Lab lab, string folder, int schedules, ulong seed, TextReader input, TextWriter output)
    {
        var compiled = new CompiledLibrary(File.ReadAllBytes(Path.Combine(folder, ImageFile)), File.ReadAllBytes(Path.Combine(folder, SymbolsFile)), []);
        var context = new GradingLoadContext(compiled);
        var run = context.Grading.GetType(typeof(LabRunner).FullName!, throwOnError: true)!.GetMethod(nameof(LabRunner.Run))!;
        while (input.ReadLine() is { } line)
        {
            int id = int.Parse(line.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The reference (0) runs every schedule: the parent learns how long a passing grade takes.
            var request = new LabRequest(lab.Judge, schedules, seed, [], Section32: lab.Section32, Mutant: id, UntilFirstFailure: id != 0);
            var json = (string)run.Invoke(null, [JsonSerializer.Serialize(request), (Action<int>)(_ => { })])!;
            var rows = JsonSerializer.Deserialize<RunOutcome>(json)!.Rows;
            var failed = rows.FirstOrDefault(r => r.FirstFailure is not null);
            output.WriteLine(JsonSerializer.Serialize(new MutantOutcome(id, failed is not null, failed?.Spec, failed?.FirstFailure?.Index ?? -1, clock.Elapsed.TotalSeconds)));
            output.Flush();
        }
    }

    /// <summary>The arguments that start a worker (after the command that runs <c>evs</c>).</summary>
    public static ImmutableArray<string> Arguments(Lab lab, string folder, int schedules, ulong seed) =>
        ["lab", "mutate", lab.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--worker", folder,
         "--schedules", schedules.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}
