// Section 2: processes "recover with stable storage intact". These tests hold the file-backed
// storage to that: what was saved is what a restarted process loads; a crash mid-save leaves
// the old state or the new one; and a damaged file is a clear error, never a first start,
// because a process that forgot its ring sequence number could reuse a ring identifier, and one
// that forgot its primary component history could help form a second primary component. A deleted
// file is the same danger: the marker the first save leaves makes it an error too.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;
using Evs.Runtime.Storage;
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

    // Every part of a primary history: a last primary, two ambiguous ones after it, the last one
    // this process installed, and a count of identities. Members are given out of order.
    private static readonly StableState WithPrimaryHistory = new(
        12,
        new ConfigurationId("R11.p2"),
        new PrimaryHistory(
            Record(8, "p1", "p3", "p1", "p2"),
            [Record(10, "p2", "p3", "p2"), Record(11, "p3", "p4", "p3", "p2")],
            Record(10, "p2", "p2", "p3"),
            2,
            1));

    // The state above as Encode writes it, the JSON shape the class documents.
    private const string WithPrimaryHistoryJson =
        """{"highestRingSequence":12,"lastConfiguration":"R11.p2","primary":{"lastPrimary":{"id":"R8.p1","ringSequence":8,"members":["p1","p2","p3"],"leader":"p1"},"ambiguous":[{"id":"R10.p2","ringSequence":10,"members":["p2","p3"],"leader":"p2"},{"id":"R11.p2","ringSequence":11,"members":["p2","p3","p4"],"leader":"p3"}],"lastInstalled":{"id":"R10.p2","ringSequence":10,"members":["p2","p3"],"leader":"p2"},"identities":2,"identityInUse":1}}""";

    /// <summary>The primary record of ring <paramref name="ring"/>, named after its lowest member.</summary>
    private static PrimaryRecord Record(long ring, string leader, params string[] members)
    {
        var set = members.Select(m => new ProcessId(m)).ToImmutableSortedSet(ProcessId.Ordinal);
        return new PrimaryRecord(ConfigurationId.Regular(new RingId(ring, set.Min)), ring, set, new ProcessId(leader));
    }

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStableStorage Storage() => new(_directory.Path);

    private string StateFile => Path.Combine(_directory.Path, FileStableStorage.FileName);

    private string TempFile => StateFile + ".tmp";

    private string Marker => Path.Combine(_directory.Path, FileStableStorage.MarkerFileName);

    /// <summary>Writes a document of <paramref name="version"/> holding <paramref name="state"/>, with its checksum right, as a writer would.</summary>
    private void WriteDocument(int version, string state)
    {
        Directory.CreateDirectory(_directory.Path);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
        File.WriteAllText(StateFile, $"{{\n  \"format\": \"evs-stable-state\",\n  \"version\": {version},\n  \"state\": {state},\n  \"sha256\": \"{sha256}\"\n}}\n");
    }

    /// <summary><paramref name="text"/> with the first <paramref name="find"/>, which must be there, replaced.</summary>
    private static string ReplaceFirst(string text, string find, string replacement)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{find} is not in {text}");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }

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
    public void A_store_that_need_survive_only_a_process_crash_saves_the_same_document_without_waiting_for_the_disk()
    {
        var synced = Storage();
        Assert.True(synced.SyncToDisk, "by default every save is flushed to the disk");
        synced.Save(WithPrimaryHistory);
        var syncedBytes = File.ReadAllBytes(StateFile);

        var unsynced = new FileStableStorage(_directory.Path, syncToDisk: false);
        Assert.False(unsynced.SyncToDisk);
        unsynced.Save(WithPrimaryHistory);
        Assert.Equal(syncedBytes, File.ReadAllBytes(StateFile)); // the same file, only the flushing differs
        Assert.Equal(WithPrimaryHistory, new FileStableStorage(_directory.Path, syncToDisk: false).Load());
        Assert.False(File.Exists(TempFile), "the temporary file is renamed over the state file");
    }

    [Fact]
    public void A_state_without_a_last_configuration_round_trips()
    {
        Storage().Save(WithoutConfiguration);
        Assert.Equal(WithoutConfiguration, Storage().Load());
    }

    [Fact]
    public void A_state_with_a_full_primary_history_round_trips()
    {
        Storage().Save(WithPrimaryHistory);
        var loaded = Storage().Load();
        Assert.Equal(WithPrimaryHistory, loaded);
        Assert.Equal(WithPrimaryHistory.Primary, loaded!.Primary);
    }

    [Fact]
    public void An_empty_primary_history_round_trips_and_stays_apart_from_none()
    {
        var empty = new StableState(3, null, PrimaryHistory.None);
        Storage().Save(empty);
        Assert.Equal(empty, Storage().Load());
        Assert.NotNull(Storage().Load()!.Primary);
        Storage().Save(WithConfiguration);
        Assert.Null(Storage().Load()!.Primary);
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
        Assert.Equal([FileStableStorage.MarkerFileName, FileStableStorage.FileName], Directory.GetFiles(_directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_state_file_deleted_after_a_save_is_a_clear_error_not_a_first_start()
    {
        Storage().Save(WithConfiguration);
        File.Delete(StateFile);
        var error = LoadFails();
        Assert.Contains($"the state file is missing, but {FileStableStorage.MarkerFileName} beside it says a state was saved here", error.Message);
        Assert.Contains("Specifications 2.3 and 2.4", error.Message);
        Assert.Contains("--new-identity", error.Message);
    }

    [Fact]
    public void With_a_new_identity_a_deleted_state_file_is_a_first_start_and_the_next_save_is_kept()
    {
        Storage().Save(WithConfiguration);
        File.Delete(StateFile);
        var anew = Storage();
        Assert.Null(anew.Load(newIdentity: true));
        anew.Save(WithoutConfiguration);
        Assert.Equal(WithoutConfiguration, Storage().Load());
        Assert.Equal(WithoutConfiguration, Storage().Load(newIdentity: true)); // a state that is there is loaded, new identity or not
    }

    [Fact]
    public void The_marker_is_left_by_the_first_save_not_before_and_mended_by_the_next_save_when_deleted()
    {
        var storage = Storage();
        Assert.Null(storage.Load());
        Assert.False(File.Exists(Marker), "a process that never saved has not run: no marker");
        storage.Save(WithConfiguration);
        Assert.True(File.Exists(Marker));
        Assert.Contains("was first saved in this directory", File.ReadAllText(Marker));

        // A store saved by a build without markers, or a marker deleted: the next save writes it.
        File.Delete(Marker);
        var restarted = Storage();
        Assert.Equal(WithConfiguration, restarted.Load());
        restarted.Save(WithoutConfiguration);
        Assert.True(File.Exists(Marker));
    }

    [Fact]
    public void A_store_deleted_whole_cannot_be_told_from_a_new_one()
    {
        // What the marker cannot do, stated so that no one counts on it: with the directory gone
        // there is nothing left to tell (a node's trace may tell: see the Cli tests).
        Storage().Save(WithConfiguration);
        Directory.Delete(_directory.Path, recursive: true);
        Assert.Null(Storage().Load());
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
              "version": 2,
              "state": {"highestRingSequence":12,"lastConfiguration":"R12.p1","primary":null},
              "sha256": "
            """.ReplaceLineEndings("\n"),
            text[..text.IndexOf("\"sha256\": \"", StringComparison.Ordinal)] + "\"sha256\": \"");
        Assert.Matches("\"sha256\": \"[0-9a-f]{64}\"\n}\n$", text);
    }

    [Fact]
    public void The_primary_history_is_written_in_the_documented_shape()
    {
        var text = Encoding.UTF8.GetString(FileStableStorage.Encode(WithPrimaryHistory));
        Assert.Contains($"\n  \"state\": {WithPrimaryHistoryJson},\n", text);
    }

    [Fact]
    public void A_version_1_file_loads_as_a_state_without_a_primary_history()
    {
        // Byte for byte what the build before the primary history wrote for WithConfiguration.
        Directory.CreateDirectory(_directory.Path);
        File.WriteAllText(StateFile, """
            {
              "format": "evs-stable-state",
              "version": 1,
              "state": {"highestRingSequence":12,"lastConfiguration":"R12.p1"},
              "sha256": "564a1840efb55e1ca1e04305d43081a0b9c13a049b8416e86b46af5fdb4ff26b"
            }

            """.ReplaceLineEndings("\n"));
        var storage = Storage();
        Assert.Equal(WithConfiguration, storage.Load());
        // The next save writes the current version.
        storage.Save(WithPrimaryHistory);
        Assert.Contains("\"version\": 2,", File.ReadAllText(StateFile));
        Assert.Equal(WithPrimaryHistory, storage.Load());
    }

    [Fact]
    public void A_version_1_file_with_a_primary_field_is_an_error()
    {
        WriteDocument(1, """{"highestRingSequence":12,"lastConfiguration":null,"primary":null}""");
        Assert.Contains("the state has an unknown field \"primary\"", LoadFails().Message);
    }

    [Theory]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null}""", "the state has no field \"primary\"")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":true}""", "primary is true, not an object or null")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":[]}""", "primary is [], not an object or null")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":"R8.p1"}""", "primary is \"R8.p1\", not an object or null")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":{}}""", "primary has no field \"lastPrimary\"")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":{"lastPrimary":null,"ambiguous":{},"lastInstalled":null,"identities":0,"identityInUse":0}}""", "primary.ambiguous is {}, not an array")]
    [InlineData("""{"highestRingSequence":12,"lastConfiguration":null,"primary":{"lastPrimary":null,"ambiguous":null,"lastInstalled":null,"identities":0,"identityInUse":0}}""", "primary.ambiguous is null, not an array")]
    public void A_malformed_primary_field_is_a_clear_error_naming_it(string state, string expected)
    {
        WriteDocument(FileStableStorage.FormatVersion, state);
        Assert.Contains(expected, LoadFails().Message);
    }

    [Theory]
    [InlineData("\"leader\":\"p1\"", "\"leader\":1", "primary.lastPrimary.leader is 1, not a process identifier")]
    [InlineData("\"leader\":\"p1\"", "\"leader\":null", "primary.lastPrimary.leader is null, not a process identifier")]
    [InlineData("\"leader\":\"p1\"", "\"leader\":\"p 1\"", "primary.lastPrimary.leader is \"p 1\", not a process identifier")]
    [InlineData("\"leader\":\"p1\"", "\"leader\":\"\"", "primary.lastPrimary.leader is \"\", not a process identifier")]
    [InlineData("\"leader\":\"p1\"", "\"leader\":\"p9\"", "primary.lastPrimary.leader is \"p9\", not one of its members")]
    [InlineData(",\"leader\":\"p3\"", "", "primary.ambiguous[1] has no field \"leader\"")]
    [InlineData("\"members\":[\"p2\",\"p3\"],", "", "primary.ambiguous[0] has no field \"members\"")]
    [InlineData("\"id\":\"R8.p1\",", "", "primary.lastPrimary has no field \"id\"")]
    [InlineData("\"ringSequence\":11,", "\"ringSequence\":11,\"primary\":true,", "primary.ambiguous[1] has an unknown field \"primary\"")]
    [InlineData("\"ringSequence\":8,", "\"ringSequence\":8,\"ringSequence\":8,", "primary.lastPrimary has the field \"ringSequence\" twice")]
    [InlineData("[\"p1\",\"p2\",\"p3\"]", "\"p1 p2 p3\"", "primary.lastPrimary.members is \"p1 p2 p3\", not an array")]
    [InlineData("[\"p1\",\"p2\",\"p3\"]", "[\"p1\",\"p2\",3]", "primary.lastPrimary.members[2] is 3, not a process identifier")]
    [InlineData("[\"p1\",\"p2\",\"p3\"]", "[\"p1\",\"p2\",\"p.3\"]", "primary.lastPrimary.members[2] is \"p.3\", not a process identifier")]
    [InlineData("[\"p1\",\"p2\",\"p3\"]", "[\"p1\",\"p2\",\"p1\"]", "primary.lastPrimary.members has \"p1\" twice")]
    [InlineData("[\"p1\",\"p2\",\"p3\"]", "[]", "primary.lastPrimary.members is empty")]
    [InlineData("\"id\":\"R8.p1\"", "\"id\":8", "primary.lastPrimary.id is 8, not a string")]
    [InlineData("\"ringSequence\":8", "\"ringSequence\":\"8\"", "primary.lastPrimary.ringSequence is \"8\", not a 64-bit integer")]
    [InlineData("\"ringSequence\":8", "\"ringSequence\":8.5", "primary.lastPrimary.ringSequence is 8.5, not a 64-bit integer")]
    [InlineData("\"ambiguous\":[", "\"ambiguous\":[null,", "primary.ambiguous[0] is a JSON Null, not an object")]
    [InlineData("\"lastInstalled\":{\"id\":\"R10.p2\",\"ringSequence\":10,\"members\":[\"p2\",\"p3\"],\"leader\":\"p2\"}", "\"lastInstalled\":\"R10.p2\"", "primary.lastInstalled is \"R10.p2\", not an object or null")]
    [InlineData("\"identities\":2", "\"identities\":-1", "primary.identities is -1, not a non-negative 32-bit integer")]
    [InlineData("\"identities\":2", "\"identities\":2.5", "primary.identities is 2.5, not a non-negative 32-bit integer")]
    [InlineData("\"identities\":2", "\"identities\":\"2\"", "primary.identities is \"2\", not a non-negative 32-bit integer")]
    [InlineData("\"identities\":2", "\"identities\":4294967296", "primary.identities is 4294967296, not a non-negative 32-bit integer")]
    [InlineData(",\"identities\":2", "", "primary has no field \"identities\"")]
    [InlineData("\"identityInUse\":1", "\"identityInUse\":3", "primary.identityInUse is 3, not a whole number from 0 to identities (2)")]
    [InlineData("\"identities\":2", "\"identities\":2,\"identities\":2", "primary has the field \"identities\" twice")]
    [InlineData("\"lastPrimary\":", "\"lastprimary\":", "primary has an unknown field \"lastprimary\"")]
    public void A_malformed_primary_record_is_a_clear_error_naming_the_field(string find, string replacement, string expected)
    {
        // The checksum is right, as if a writer had made the mistake: the field checks must catch it.
        WriteDocument(FileStableStorage.FormatVersion, ReplaceFirst(WithPrimaryHistoryJson, find, replacement));
        Assert.Contains(expected, LoadFails().Message);
    }

    [Fact]
    public void A_state_that_would_not_load_back_is_not_saved_and_the_old_one_stays()
    {
        var history = WithPrimaryHistory.Primary!;
        var refused = new (StableState State, string Expected)[]
        {
            (WithPrimaryHistory with { Primary = history with { LastPrimary = history.LastPrimary! with { Leader = new ProcessId("p9") } } },
                "primary.lastPrimary.leader is \"p9\", not one of its members"),
            (WithPrimaryHistory with { Primary = history with { Ambiguous = [Record(13, "p1")] } },
                "primary.ambiguous[0].members is empty"),
            (WithPrimaryHistory with { Primary = history with { LastInstalled = Record(13, "p 1", "p 1") } },
                "primary.lastInstalled.members[0] is \"p 1\", not a process identifier"),
            (WithPrimaryHistory with { Primary = history with { Identities = -1 } },
                "primary.identities is -1, not a non-negative 32-bit integer"),
            (new StableState(5, default(ConfigurationId)), "not as itself"),
        };
        var storage = Storage();
        storage.Save(WithPrimaryHistory);
        foreach (var (state, expected) in refused)
        {
            var error = Assert.Throws<ArgumentException>(() => storage.Save(state));
            Assert.Contains(expected, error.Message);
            Assert.Equal(WithPrimaryHistory, storage.Load());
        }
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

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("2.0")]
    public void An_unknown_version_is_a_clear_error(string version)
    {
        Storage().Save(WithConfiguration);
        File.WriteAllText(StateFile, File.ReadAllText(StateFile).Replace("\"version\": 2", $"\"version\": {version}", StringComparison.Ordinal));
        Assert.Contains($"unknown version {version}; this build reads versions 1 to 2", LoadFails().Message);
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
        File.WriteAllText(StateFile, File.ReadAllText(StateFile).Replace("\"version\": 2,", "\"version\": 2,\n  \"primary\": true,", StringComparison.Ordinal));
        Assert.Contains("unknown field \"primary\"", LoadFails().Message);
    }

    [Fact]
    public void A_missing_or_repeated_field_is_an_error()
    {
        Storage().Save(WithConfiguration);
        var text = File.ReadAllText(StateFile);
        File.WriteAllText(StateFile, text.Replace("\"version\": 2,", "", StringComparison.Ordinal));
        Assert.Contains("no field \"version\"", LoadFails().Message);
        File.WriteAllText(StateFile, text.Replace("\"version\": 2,", "\"version\": 2,\n  \"version\": 2,", StringComparison.Ordinal));
        Assert.Contains("field \"version\" twice", LoadFails().Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_single_flipped_bit_anywhere_in_the_file_is_detected(bool withPrimaryHistory)
    {
        var bytes = FileStableStorage.Encode(withPrimaryHistory ? WithPrimaryHistory : WithConfiguration);
        for (int at = 0; at < bytes.Length; at++)
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])bytes.Clone();
                damaged[at] ^= (byte)(1 << bit);
                Assert.Throws<StableStorageException>(() => FileStableStorage.Decode(damaged, "test"));
            }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_truncation_of_the_document_is_detected(bool withPrimaryHistory)
    {
        // The document ends in "}\n"; only dropping that last newline leaves it whole.
        var bytes = FileStableStorage.Encode(withPrimaryHistory ? WithPrimaryHistory : WithConfiguration);
        for (int length = 0; length < bytes.Length - 1; length++)
            Assert.Throws<StableStorageException>(() => FileStableStorage.Decode(bytes.AsSpan(0, length), "test"));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_process_killed_in_a_tight_save_loop_leaves_the_old_or_the_new_state(bool syncToDisk)
    {
        // SIGKILL is a real crash of the process (not of the machine: the kernel still writes
        // out what the process handed it). The child is this test assembly, run by the dotnet
        // host with SaveLoopChild as its startup hook; see that class.
        Skip.IfNot(OperatingSystem.IsLinux(), "the crash mid-save is a SIGKILL of a child process, made on Linux only: run it on Linux");
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
            start.Environment[SaveLoopChild.SyncVariable] = syncToDisk ? "true" : "false";
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
