// The labs compile the library from its sources, so the grader needs the repository, not only
// the built assemblies: this file finds it (the folder holding Evs.Reference.sln, from the
// current directory upwards) and names the places inside it that the labs use.
namespace Evs.Grading.Labs;

/// <summary>The repository the labs live in, and the paths of a lab's files inside it.</summary>
public sealed record Repository(string Root)
{
    /// <summary>The solution file that marks the repository's root.</summary>
    public const string SolutionFile = "Evs.Reference.sln";

    /// <summary>The repository holding <paramref name="start"/> or one of its parents; null when none holds <see cref="SolutionFile"/>.</summary>
    public static Repository? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return new Repository(dir.FullName);
        return null;
    }

    /// <summary>The library's source folder, whose files a lab's files replace.</summary>
    public string LibrarySources => Path.Combine(Root, "src", "Evs.Reference");

    /// <summary>The folder of every lab.</summary>
    public string LabsFolder => Path.Combine(Root, "labs");

    /// <summary>The folder of <paramref name="lab"/>: its handout, starter and the student's work.</summary>
    public string FolderOf(Lab lab) => Path.Combine(LabsFolder, lab.Folder);

    /// <summary>The starter files of <paramref name="lab"/>: the classes with their bodies removed.</summary>
    public string StarterFolder(Lab lab) => Path.Combine(FolderOf(lab), "starter");

    /// <summary>Where the student's copies of the starter files live.</summary>
    public string StudentFolder(Lab lab) => Path.Combine(FolderOf(lab), "student");

    /// <summary>Where a failing schedule is written, for replaying it.</summary>
    public string FailuresFolder(Lab lab) => Path.Combine(FolderOf(lab), "failures");

    /// <summary>The library's own file, <paramref name="libraryFile"/> relative to <see cref="LibrarySources"/>.</summary>
    public string LibraryFile(string libraryFile) => Path.Combine(LibrarySources, libraryFile);

    /// <summary>A path as a report shows it: relative to the root, with forward slashes.</summary>
    public string Show(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}
