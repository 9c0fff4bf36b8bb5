// What a lab grades: the library with some of its files replaced. The student's work, the
// untouched starter, or the reference — which is the library's own file, not a copy of it, so
// the reference solution can never drift from the code the rest of the project runs and tests.
using System.Collections.Immutable;

namespace Evs.Grading.Labs;

/// <summary>A source file as the compiler sees it: the path its diagnostics and stack traces name, and its text.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>
/// The library files of a lab replaced by other sources, keyed by the library file (relative to
/// <c>src/Evs.Reference</c>); a lab file with no entry is the library's own.
/// </summary>
public sealed record Submission(string Name, ImmutableDictionary<string, SourceFile> Replacements)
{
    /// <summary>Which of a lab's versions <c>evs lab check --against</c> grades.</summary>
    public enum Kind
    {
        /// <summary>The student's files in the lab's <c>student/</c> folder.</summary>
        Student,

        /// <summary>The untouched starter files: they must fail.</summary>
        Starter,

        /// <summary>The library's own files: they must pass.</summary>
        Reference,
    }

    /// <summary>The library as it is: the reference solution of every lab.</summary>
    public static Submission Reference { get; } = new("reference", ImmutableDictionary<string, SourceFile>.Empty);

    /// <summary>The files of <paramref name="lab"/> in <paramref name="folder"/>, one per library file, by file name.</summary>
    /// <exception cref="FileNotFoundException">A file of the lab is missing from the folder.</exception>
    public static Submission FromFolder(string name, Lab lab, string folder) =>
        new(name, lab.LibraryFiles.ToImmutableDictionary(f => f, f => Read(Path.Combine(folder, Path.GetFileName(f)))));

    /// <summary>The version of <paramref name="lab"/> that <paramref name="kind"/> names.</summary>
    /// <exception cref="FileNotFoundException">A file of the lab is missing from the student's or the starter folder.</exception>
    public static Submission Of(Kind kind, Lab lab, Repository repository) => kind switch
    {
        Kind.Student => FromFolder("student", lab, repository.StudentFolder(lab)),
        Kind.Starter => FromFolder("starter", lab, repository.StarterFolder(lab)),
        _ => Reference,
    };

    /// <summary>The reference with one file's text changed by <paramref name="change"/>: a deliberately wrong solution, for tests.</summary>
    public static Submission Mutant(string name, Repository repository, string libraryFile, Func<string, string> change)
    {
        var path = repository.LibraryFile(libraryFile);
        return new(name, ImmutableDictionary<string, SourceFile>.Empty.Add(libraryFile, new SourceFile(path, change(File.ReadAllText(path)))));
    }

    private static SourceFile Read(string path) =>
        File.Exists(path) ? new SourceFile(Path.GetFullPath(path), File.ReadAllText(path))
        : throw new FileNotFoundException($"{path} does not exist", path);
}
