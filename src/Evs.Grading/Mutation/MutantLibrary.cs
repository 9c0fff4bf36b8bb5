// The library compiled with every mutant of a lab's files in it (MutantSchema). Some mutants do
// not compile — `+` for `-` on strings, a dropped assignment that leaves a variable unassigned —
// and a student could not hand those in either, so they are not mutants of the lab: each round
// leaves out the mutants the compiler's errors point to, until the library compiles.
using System.Collections.Immutable;
using Evs.Grading.Labs;
using Microsoft.CodeAnalysis;

namespace Evs.Grading.Mutation;

/// <summary>A lab's mutant schema, compiled: the library, the mutants in it, and those that do not compile.</summary>
public sealed record MutantLibrary(CompiledLibrary Compiled, ImmutableArray<Mutant> Mutants, ImmutableArray<Mutant> NotCompiling)
{
    // Each round leaves out at least one mutant; a schema that still fails after this many is a bug of the rewriting.
    private const int MostRounds = 30;

    /// <summary>The mutants of <paramref name="lab"/>'s library files, numbered from 1 in the catalog's order of the files.</summary>
    public static ImmutableArray<Mutant> Of(Repository repository, Lab lab) =>
        [.. Schema(repository, lab, new HashSet<int>()).SelectMany(f => f.Schema.Mutants)];

    /// <summary>Compiles <paramref name="lab"/>'s mutant schema, leaving out the mutants that do not compile.</summary>
    /// <exception cref="InvalidOperationException">The schema does not compile even with the suspects left out.</exception>
    public static MutantLibrary Build(Repository repository, Lab lab)
    {
        var leftOut = new HashSet<int>();
        for (int round = 0; round < MostRounds; round++)
        {
            var files = Schema(repository, lab, leftOut);
            var submission = new Submission("mutants", files.ToImmutableDictionary(f => f.LibraryFile, f => new SourceFile(f.Path, f.Schema.Text)));
            var compilation = LibraryCompiler.Compilation(repository, submission, [new SourceFile("MutantSwitch.g.cs", MutantSwitch.Source)]);
            var compiled = LibraryCompiler.Emit(repository, compilation, out var errors);
            var all = files.SelectMany(f => f.Schema.Mutants).ToImmutableArray();
            if (compiled.Succeeded)
                return new MutantLibrary(compiled, [.. all.Where(m => !leftOut.Contains(m.Id))], [.. all.Where(m => leftOut.Contains(m.Id))]);
            var suspects = errors.SelectMany(Suspects).ToList();
            if (suspects.Count == 0 || suspects.All(leftOut.Contains))
                throw new InvalidOperationException($"the mutant schema of lab {lab.Number} does not compile: {compiled.Errors[0]}");
            leftOut.UnionWith(suspects);
        }
        throw new InvalidOperationException($"the mutant schema of lab {lab.Number} still does not compile after {MostRounds} rounds");
    }

    // The mutants an error comes from: those whose mutated code holds it or, when it is outside
    // every mutant (a variable a dropped statement no longer assigns), the dropped statements of its member.
    private static IEnumerable<int> Suspects(Diagnostic error)
    {
        if (error.Location.SourceTree is not { } tree) return [];
        var node = tree.GetRoot().FindNode(error.Location.SourceSpan, getInnermostNodeForTie: true);
        var holding = MutantSchema.MutantsHolding(node).Take(1).ToList();
        return holding.Count > 0 ? holding : MutantSchema.DroppedStatementsAround(node);
    }

    private sealed record SchemaOfFile(string LibraryFile, string Path, SchemaFile Schema);

    private static List<SchemaOfFile> Schema(Repository repository, Lab lab, IReadOnlySet<int> leftOut)
    {
        var reference = LibraryCompiler.Compilation(repository, Submission.Reference);
        var files = new List<SchemaOfFile>();
        int next = 1;
        foreach (var libraryFile in lab.LibraryFiles)
        {
            var path = repository.LibraryFile(libraryFile);
            var tree = reference.SyntaxTrees.First(t => t.FilePath == path);
            var starter = Path.Combine(repository.StarterFolder(lab), Path.GetFileName(libraryFile));
            var members = MutantSchema.StudentMembers(File.ReadAllText(starter));
            var schema = MutantSchema.Rewrite(libraryFile, tree, reference.GetSemanticModel(tree), next, leftOut, members);
            files.Add(new SchemaOfFile(libraryFile, path, schema));
            next += schema.Mutants.Length;
        }
        return files;
    }
}
