// Section 2's stable storage is one process's: two processes on one store would each save over
// the other's highest ring sequence number and both use the identifiers that follow. These tests
// hold the store's lock to that within one test process (an open file conflicts with another open
// of the same file here as between processes); the Cli tests show it between real processes,
// and that a kill -9 releases it.
using System.Diagnostics;
using Evs.Runtime.Storage;
using Xunit;

namespace SpecTests.Storage;

public sealed class StoreLockTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string LockFile => Path.Combine(_directory.Path, StoreLock.FileName);

    [Fact]
    public void A_second_lock_on_a_store_is_refused_naming_the_directory_and_its_holder()
    {
        using var held = StoreLock.Acquire(_directory.Path, "process p1");
        var error = Assert.Throws<StableStorageException>(() => StoreLock.Acquire(_directory.Path, "process p1"));
        Assert.Equal(_directory.Path, error.Path);
        Assert.Contains($"{_directory.Path}: another process is running on this store", error.Message);
        Assert.Contains(LockFile, error.Message);
        if (OperatingSystem.IsLinux()) Assert.Contains($"pid {Environment.ProcessId}, process p1, since ", error.Message);
    }

    [Fact]
    public void A_refused_lock_leaves_the_holders_lock_file_as_it_was()
    {
        using var held = StoreLock.Acquire(_directory.Path, "process p1");
        var before = ReadPastLocks(LockFile);
        Assert.NotNull(before);
        Assert.Throws<StableStorageException>(() => StoreLock.Acquire(_directory.Path, "process p2"));
        Assert.Equal(before, ReadPastLocks(LockFile));
    }

    [Fact]
    public void A_released_lock_is_taken_again_and_names_its_new_holder()
    {
        StoreLock.Acquire(_directory.Path, "process p1").Dispose();
        using var again = StoreLock.Acquire(_directory.Path, "process p2");
        Assert.Equal(LockFile, again.FilePath);
        again.Dispose();
        Assert.StartsWith($"pid {Environment.ProcessId}, process p2, since ", File.ReadAllText(LockFile));
    }

    [Fact]
    public void The_directory_is_created_if_missing()
    {
        var nested = Path.Combine(_directory.Path, "a", "b");
        using var held = StoreLock.Acquire(nested, "process p1");
        Assert.Equal(nested, held.Directory);
        Assert.True(File.Exists(Path.Combine(nested, StoreLock.FileName)));
    }

    /// <summary>
    /// The bytes of the file <paramref name="path"/> read as another program reads them (cat), past
    /// a store's lock, which keeps .NET itself from opening the file; null when cat cannot read it
    /// (a socket).
    /// </summary>
    public static byte[]? ReadPastLocks(string path)
    {
        using var cat = Process.Start(new ProcessStartInfo("cat", path) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var bytes = new MemoryStream();
        cat.StandardOutput.BaseStream.CopyTo(bytes);
        cat.StandardError.ReadToEnd();
        cat.WaitForExit();
        return cat.ExitCode == 0 ? bytes.ToArray() : null;
    }
}
