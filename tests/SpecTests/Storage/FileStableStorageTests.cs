// Section 2: processes "recover with stable storage intact". These tests hold the file-backed
// storage to that: what was saved is what a restarted process loads; a crash mid-save leaves
// the old state or the new one; and a damaged file is a clear error, never a first start,
// because a process that forgot its ring sequence number could reuse a ring identifier.
using System.Diagnostics;
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Storage;
using Xunit;

namespace SpecTests.Storage;

/// <summary>A fresh directory under the system's temp directory, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "evs-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

public sealed class FileStableStorageTests : IDisposable
{
    private static readonly StableState WithConfiguration = new(12, ConfigurationId.Regular(new RingId(12, new ProcessId("p1"))));
    private static readonly StableState WithoutConfiguration = new(7);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStableStorage Storage() => new(_directory.Path);

    private string StateFile => Path.Combine(_directory.Path, FileStableStorage.FileName);

    private string TempFile => StateFile + ".tmp";

    private StableStorageException LoadFails()
    {
        var storage = Storage();
        var error = Assert.Throws<StableStorageException>(() => storage.Load());
        Assert.Equal(storage.FilePath, error.Path);
        Assert.Contains(storage.FilePath, error.Message);
        return error;
    }

    [Fact]
    public void A_state_with_a_last_configuration_round_trips()
    {
        Storage().Save(WithConfiguration);
        Assert.Equal(WithConfiguration, Storage().Load());
    }

    [Fact]
    public void A_state_without_a_last_configuration_round_trips()
    {
        Storage().Save(WithoutConfiguration);
        Assert.Equal(WithoutConfiguration, Storage().Load());
    }

    [Fact]
    public void Load_on_an_empty_directory_is_a_first_start()
    {
        Assert.Null(Storage().Load());
    }

    [Fact]
    public void The_directory_is_created_if_missing()
    {
        var nested = Path.Combine(_directory.Path, "a", "b");
        var storage = new FileStableStorage(nested);
        Assert.True(Directory.Exists(nested));
        Assert.Null(storage.Load());
        storage.Save(WithConfiguration);
        Assert.Equal(WithConfiguration, new FileStableStorage(nested).Load());
    }

    [Fact]
    public void A_save_replaces_the_previous_state_and_leaves_no_temp_file()
    {
        var storage = Storage();
        storage.Save(WithConfiguration);
        storage.Save(WithoutConfiguration);
        Assert.Equal(WithoutConfiguration, storage.Load());
        Assert.Equal([FileStableStorage.FileName], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_restarted_process_loads_what_the_crashed_one_saved()
    {
        var beforeCrash = Storage();
        beforeCrash.Save(WithConfiguration);
        // The object is gone with the process; only the directory is left.
        var afterRestart = new FileStableStorage(_directory.Path);
        Assert.Equal(WithConfiguration, afterRestart.Load());
    }

    [Fact]
    public void The_file_is_the_documented_self_describing_json()
    {
        Storage().Save(WithConfiguration);
        var text = File.ReadAllText(StateFile);
        Assert.Equal(
            """
            {
              "format": "evs-stable-state",
              "version": 1,
              "state": {"highestRingSequence":12,"lastConfiguration":"R12.p1"},
              "sha256": "
            """.ReplaceLineEndings("\n"),
            text[..text.IndexOf("\"sha256\": \"", StringComparison.Ordinal)] + "\"sha256\": \"");
        Assert.Matches("\"sha256\": \"[0-9a-f]{64}\"\n}\n$", text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_crash_before_the_rename_leaves_the_old_state(bool tempFileComplete)
    {
        // Save writes the temp file, flushes it, then renames it: a crash before the rename
        // leaves a whole or partial temp file beside the old state file.
        Storage().Save(WithConfiguration);
        var next = FileStableStorage.Encode(WithoutConfiguration);
        File.WriteAllBytes(TempFile, tempFileComplete ? next : next[..(next.Length / 2)]);

        var restarted = Storage();
        Assert.Equal(WithConfiguration, restarted.Load());
        restarted.Save(new StableState(13));
        Assert.Equal(new StableState(13), restarted.Load());
        Assert.False(File.Exists(TempFile));
    }

    [Fact]
    public void A_crash_before_the_first_save_completes_is_still_a_first_start()
    {
        var first = FileStableStorage.Encode(WithConfiguration);
        Directory.CreateDirectory(_directory.Path);
        File.WriteAllBytes(TempFile, first[..10]);
        Assert.Null(Storage().Load());
    }

    [Fact]
    public void A_truncated_file_is_a_clear_error_naming_the_file()
    {
        Storage().Save(WithConfiguration);
        var bytes = File.ReadAllBytes(StateFile);
        File.WriteAllBytes(StateFile, bytes[..(bytes.Length / 2)]);
        Assert.Contains("not valid JSON", LoadFails().Message);
    }

    [Fact]
    public void An_empty_file_is_a_clear_error_not_a_first_start()
    {
        Storage().Save(WithConfiguration);
        File.WriteAllBytes(StateFile, []);
        Assert.Contains("empty", LoadFails().Message);
    }

    [Fact]
    public void A_flipped_byte_in_the_state_is_a_checksum_error()
    {
        Storage().Save(WithConfiguration);
        var bytes = File.ReadAllBytes(StateFile);
        int at = Encoding.UTF8.GetString(bytes).IndexOf("R12.p1", StringComparison.Ordinal) + "R12.".Length;
        bytes[at] ^= 0x01; // "p1" becomes "q1": still JSON, still a well-formed state
        File.WriteAllBytes(StateFile, bytes);
        Assert.Contains("checksum mismatch", LoadFails().Message);
    }

    [Fact]
    public void Text_garbage_is_a_clear_error()
    {
        Directory.CreateDirectory(_directory.Path);
        File.WriteAllText(StateFile, "highestRingSequence = 12");
        Assert.Contains("not valid JSON", LoadFails().Message);
    }

    [Fact]
    public void Binary_garbage_is_a_clear_error()
    {
        Directory.CreateDirectory(_directory.Path);
        File.WriteAllBytes(StateFile, [0x00, 0xff, 0x13, 0x37, (byte)'{', 0x80]);
        Assert.Contains("not valid UTF-8", LoadFails().Message);
    }

    [Fact]
    public void JSON_of_another_shape_is_a_clear_error()
    {
        Directory.CreateDirectory(_directory.Path);
        File.WriteAllText(StateFile, "[1, 2, 3]");
        Assert.Contains("not an object", LoadFails().Message);
    }

    [Fact]
    public void An_unknown_version_is_a_clear_error()
    {
        Storage().Save(WithConfiguration);
        File.WriteAllText(StateFile, File.ReadAllText(StateFile).Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));
        Assert.Contains("unknown version 2", LoadFails().Message);
    }

    [Fact]
    public void Another_format_is_a_clear_error()
    {
        Storage().Save(WithConfiguration);
        File.WriteAllText(StateFile, File.ReadAllText(StateFile).Replace("evs-stable-state", "something-else", StringComparison.Ordinal));
        Assert.Contains("the format is \"something-else\"", LoadFails().Message);
    }

    [Fact]
    public void An_unknown_field_is_an_error_not_ignored()
    {
        Storage().Save(WithConfiguration);
        File.WriteAllText(StateFile, File.ReadAllText(StateFile).Replace("\"version\": 1,", "\"version\": 1,\n  \"primary\": true,", StringComparison.Ordinal));
        Assert.Contains("unknown field \"primary\"", LoadFails().Message);
    }

    [Fact]
    public void A_missing_or_repeated_field_is_an_error()
    {
        Storage().Save(WithConfiguration);
        var text = File.ReadAllText(StateFile);
        File.WriteAllText(StateFile, text.Replace("\"version\": 1,", "", StringComparison.Ordinal));
        Assert.Contains("no field \"version\"", LoadFails().Message);
        File.WriteAllText(StateFile, text.Replace("\"version\": 1,", "\"version\": 1,\n  \"version\": 1,", StringComparison.Ordinal));
        Assert.Contains("field \"version\" twice", LoadFails().Message);
    }

    [Fact]
    public void Every_single_flipped_bit_anywhere_in_the_file_is_detected()
    {
        var bytes = FileStableStorage.Encode(WithConfiguration);
        for (int at = 0; at < bytes.Length; at++)
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])bytes.Clone();
                damaged[at] ^= (byte)(1 << bit);
                Assert.Throws<StableStorageException>(() => FileStableStorage.Decode(damaged, "test"));
            }
    }

    [Fact]
    public void Every_truncation_of_the_document_is_detected()
    {
        // The document ends in "}\n"; only dropping that last newline leaves it whole.
        var bytes = FileStableStorage.Encode(WithConfiguration);
        for (int length = 0; length < bytes.Length - 1; length++)
            Assert.Throws<StableStorageException>(() => FileStableStorage.Decode(bytes.AsSpan(0, length), "test"));
    }

    [Fact]
    public void A_process_killed_in_a_tight_save_loop_leaves_the_old_or_the_new_state()
    {
        // SIGKILL is a real crash of the process (not of the machine: the kernel still writes
        // out what the process handed it). The child is this test assembly, run by the dotnet
        // host with SaveLoopChild as its startup hook; see that class.
        if (!OperatingSystem.IsLinux()) return;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var assembly = typeof(SaveLoopChild).Assembly.Location;
        var storage = Storage();
        long seen = 0;
        for (int round = 0; round < 3; round++)
        {
            var start = new ProcessStartInfo(host) { UseShellExecute = false };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(assembly);
            start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
            start.Environment[SaveLoopChild.DirectoryVariable] = _directory.Path;
            using var child = Process.Start(start)!;
            try
            {
                // Loads race the child's renames here; each must see a whole state, and the
                // child must get well past where the last round left off.
                var deadline = Stopwatch.StartNew();
                while (Current(storage) < seen + 20)
                {
                    if (child.HasExited) Assert.Fail($"the child exited early, with code {child.ExitCode}");
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "the child made no progress in 5 s");
                    Thread.Sleep(1);
                }
                Thread.Sleep(Random.Shared.Next(0, 20));
            }
            finally
            {
                child.Kill();
                child.WaitForExit();
            }
            long afterKill = Current(storage);
            Assert.True(afterKill >= seen + 20, $"round {round}: loaded {afterKill} after having seen {seen + 20}");
            seen = afterKill;
        }
    }

    /// <summary>The loaded sequence number, after checking the state is one the child wrote whole.</summary>
    private static long Current(FileStableStorage storage)
    {
        var state = storage.Load();
        if (state is null) return 0;
        Assert.Equal(SaveLoopChild.StateFor(state.HighestRingSequence), state);
        return state.HighestRingSequence;
    }
}
