// Section 2: "A process may fail and may subsequently recover after an arbitrary amount of
// time with its stable storage intact." A real process's stable storage is a file, and the
// paper's assumption holds only if a crash can never leave that file half-written, and if a
// damaged file is never mistaken for a first start: a process that forgot its highest ring
// sequence number could form a ring, and send messages, under an identifier already used.
// So a save is write-to-temp, rename (atomic: a killed process leaves the old file or the new
// one), and, unless told it need survive only the process's crash, fsync of the file before the
// rename and of the directory after it (a power loss too); a load checks a checksum and refuses,
// loudly, anything it cannot read. The file holds the whole StableState,
// the primary component history included: a process that forgot the primaries it installed or
// agreed to could help form a second primary beside one still running (Section 2.2, Uniqueness).
// A deleted file is the worst damage of all, and a missing file looks exactly like a first start;
// so the first save also leaves a marker beside the file, and a missing file with the marker there
// is a lost state, refused as loudly as a damaged one.
using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;

namespace Evs.Runtime.Storage;

/// <summary>Stable storage that cannot be read or written, with the file at fault.</summary>
public sealed class StableStorageException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    /// <summary>The file (or directory) at fault.</summary>
    public string Path { get; } = path;
}

/// <summary>
/// Stable storage in one file, <see cref="FileName"/>, in a directory of its own.
/// The file is a small JSON document:
/// <code>
/// {
///   "format": "evs-stable-state",
///   "version": 2,
///   "state": {"highestRingSequence":12,"lastConfiguration":"R12.p1","primary":PRIMARY},
///   "sha256": "&lt;SHA-256, lowercase hex, of the UTF-8 bytes of the state value exactly as written&gt;"
/// }
/// </code>
/// where PRIMARY, the <see cref="StableState.Primary"/> history, is <c>null</c> or (on one line)
/// <code>
/// {"lastPrimary":RECORD,"ambiguous":[RECORD,...],"lastInstalled":RECORD,"identities":2,"identityInUse":1}
/// </code>
/// with <c>lastPrimary</c> and <c>lastInstalled</c> null or a RECORD, and each RECORD a
/// <see cref="PrimaryRecord"/>:
/// <code>
/// {"id":"R8.p1","ringSequence":8,"members":["p1","p2","p3"],"leader":"p1"}
/// </code>
/// Reading is strict: a field that is missing, unknown or repeated is an error, as is a value of
/// the wrong type, a process identifier that is not one, a member listed twice, an empty member
/// list, a leader that is not a member, and a version outside 1 to <see cref="FormatVersion"/>.
/// A new field comes with a new version number, and the reader keeps reading the old versions:
/// version 1, written before the primary component algorithms, has no <c>primary</c> field and
/// loads as a state without a primary history (null), which is what its writer had. Tolerating
/// unknown fields instead would let an older build quietly drop state a newer one relies on.
/// Writing is held to the same rules: <see cref="Encode"/> refuses a state that would not load
/// back as itself, so a save can never leave a file the restarted process refuses.
/// <para>
/// After the first save the directory also holds <see cref="MarkerFileName"/>, which says that a
/// state has been saved here. A state file deleted with the marker left (or lost in a power
/// loss that kept the marker) is then refused by <see cref="Load()"/>; deleting both, or the whole
/// directory, cannot be told from a process that never ran (its trace may tell: <see cref="NodeHost"/>).
/// </para>
/// </summary>
internal sealed class FileStableStorage : IStableStorage
{
    /// <summary>The name of the state file in the directory.</summary>
    public const string FileName = "stable-state.json";

    /// <summary>The name of the marker the first save leaves in the directory: a state has been saved here.</summary>
    public const string MarkerFileName = "stable-state.first-saved";

    /// <summary>The value of the document's <c>format</c> field.</summary>
    public const string FormatName = "evs-stable-state";

    /// <summary>The version of the document this build writes; it reads this one and every earlier one.</summary>
    public const int FormatVersion = 2;

    // A save writes here first. The name is fixed, so a file left by a crash mid-save is
    // simply overwritten by the next save; Load never looks at it.
    private const string TempFileName = FileName + ".tmp";

    private static readonly JsonWriterOptions Indented = new() { Indented = true };
    private static readonly string[] DocumentFields = ["format", "version", "state", "sha256"];

    // The state's fields in each version, version 1 first: version 2 added the primary history.
    private static readonly string[][] StateFields =
    [
        ["highestRingSequence", "lastConfiguration"],
        ["highestRingSequence", "lastConfiguration", "primary"],
    ];

    private static readonly string[] HistoryFields = ["lastPrimary", "ambiguous", "lastInstalled", "identities", "identityInUse"];
    private static readonly string[] RecordFields = ["id", "ringSequence", "members", "leader"];

    // How Encode names the state in the error when it would not load back.
    private const string Unsaved = "the state to save";

    private readonly string _tempPath;
    private readonly Lock _saving = new();
    private bool _marked;

    /// <summary>
    /// Storage in <paramref name="directory"/>, which is created if missing. With
    /// <paramref name="syncToDisk"/> (the default) every save is flushed to the disk before it
    /// counts, so it survives a power loss; without it a save is in the kernel's hands when it
    /// returns, which survives the process's crash (kill -9) but not the machine's, and costs no
    /// disk wait: a membership change saves once per member as the commit token goes round.
    /// </summary>
    public FileStableStorage(string directory, bool syncToDisk = true)
    {
        SyncToDisk = syncToDisk;
        Directory = CreateDirectory(directory);
        FilePath = System.IO.Path.Combine(Directory, FileName);
        MarkerPath = System.IO.Path.Combine(Directory, MarkerFileName);
        _tempPath = System.IO.Path.Combine(Directory, TempFileName);
        _marked = File.Exists(MarkerPath);
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and the directories above it that are missing, each
    /// one's entry flushed to the disk; returns its full path. Shared with <see cref="StoreLock"/>,
    /// which takes the directory before the storage is opened in it.
    /// </summary>
    internal static string CreateDirectory(string directory)
    {
        var full = System.IO.Path.GetFullPath(directory);
        var created = new List<string>();
        for (string? missing = full; missing is not null && !System.IO.Directory.Exists(missing); missing = System.IO.Path.GetDirectoryName(missing))
            created.Add(missing);
        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(full, $"cannot create the directory: {ex.Message}", ex);
        }
        // A new directory's entry in its parent must survive a power loss too, or the first
        // save would be lost with it.
        foreach (var made in created)
            if (System.IO.Path.GetDirectoryName(made) is { } parent) SyncDirectory(parent);
        return full;
    }

    /// <summary>The directory that holds the state.</summary>
    public string Directory { get; }

    /// <summary>The full path of the state file.</summary>
    public string FilePath { get; }

    /// <summary>The full path of the marker (<see cref="MarkerFileName"/>).</summary>
    public string MarkerPath { get; }

    /// <summary>
    /// The last saved state, or null when no state was ever saved here (a first start).
    /// A state file that is empty, truncated, not JSON, of another format or version, or whose
    /// checksum does not match throws <see cref="StableStorageException"/>; so does a state file
    /// that is missing where the marker says one was saved. Neither is ever read as a first start.
    /// </summary>
    public StableState? Load() => Load(newIdentity: false);

    /// <summary>
    /// <see cref="Load()"/>, except that with <paramref name="newIdentity"/> a state file that is
    /// missing where one was saved loads as a first start: for a caller that starts the process
    /// under a new identity (<see cref="EvsNodeOptions.NewIdentity"/>) and has made sure that is safe.
    /// </summary>
    public StableState? Load(bool newIdentity)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            if (!newIdentity && File.Exists(MarkerPath)) throw new StableStorageException(FilePath, Lost);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(FilePath, $"cannot read the state file: {ex.Message}", ex);
        }
        return Decode(bytes, FilePath);
    }

    /// <summary>Whether saves are flushed to the disk (survive a power loss), not only to the kernel (survive a crash of the process).</summary>
    public bool SyncToDisk { get; }

    /// <summary>Why a process whose state is lost must not start as new (for the errors that refuse it).</summary>
    internal const string StartingAsNew =
        "Started as new, the process would use its first ring identifiers again and install configurations it installed before (Specifications 2.3 and 2.4)";

    /// <summary>The way forward when the state cannot be restored (for the errors that refuse a lost state).</summary>
    internal const string NewIdentityAdvice =
        "start the process with a new identity (evs node --new-identity, EvsNodeOptions.NewIdentity), which is safe only if no other process " +
        "will ever see its old identity again; or give it a new process id";

    // Why a missing state file with the marker beside it is refused, and the ways forward.
    private const string Lost =
        $"the state file is missing, but {MarkerFileName} beside it says a state was saved here: the file was deleted or lost. {StartingAsNew}. Restore the file; or {NewIdentityAdvice}";

    /// <summary>
    /// Replaces the saved state: the new document is written to a temporary file in the same
    /// directory (flushed to disk when <see cref="SyncToDisk"/>), renamed over the state file
    /// (atomic on POSIX file systems, so a crash leaves the old file or the new one), and, when
    /// <see cref="SyncToDisk"/>, the directory is flushed so the rename itself survives a power loss.
    /// The first save then leaves the marker (<see cref="MarkerFileName"/>), flushed to the disk
    /// whatever <see cref="SyncToDisk"/> says: it is written once, and a marker that outlives a
    /// state file lost in a power loss is right to say the state is lost.
    /// </summary>
    public void Save(StableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = Encode(state);
        lock (_saving)
        {
            try
            {
                using (var stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: SyncToDisk);
                }
                File.Move(_tempPath, FilePath, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StableStorageException(FilePath, $"cannot save the state: {ex.Message}", ex);
            }
            if (SyncToDisk) SyncDirectory(Directory);
            if (!_marked) Mark();
        }
    }

    // Written after the state file, not before: a process killed between the two has a state and
    // no marker, which the next save mends; one killed before its first save has neither, and is
    // rightly a first start. A store saved by a build without markers gets one at its next save.
    private void Mark()
    {
        try
        {
            using (var stream = new FileStream(MarkerPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(
                    $"A stable state was first saved in this directory at {WallClock.UtcText()}. While this file is here, " +
                    $"a missing {FileName} is a lost state, not a new process: the process refuses to start as new (evs node --help, --new-identity).\n"));
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(MarkerPath, $"cannot write the marker of a saved state: {ex.Message}", ex);
        }
        SyncDirectory(Directory);
        _marked = true;
    }

    /// <summary>
    /// The bytes of the document that holds <paramref name="state"/>. Throws
    /// <see cref="ArgumentException"/> for a state that would not load back as itself: a
    /// primary record with no members, a leader that is not one of them, a process identifier
    /// that is not one, a negative identity count, an identifier with no name.
    /// </summary>
    public static byte[] Encode(StableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // The checksum covers the state exactly as written, so the reader hashes the bytes it
        // finds without having to rebuild a canonical form.
        var payload = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteNumber("highestRingSequence", state.HighestRingSequence);
            if (state.LastConfiguration is { } configuration) writer.WriteString("lastConfiguration", configuration.Name);
            else writer.WriteNull("lastConfiguration");
            writer.WritePropertyName("primary");
            if (state.Primary is { } history) WriteHistory(writer, history);
            else writer.WriteNullValue();
            writer.WriteEndObject();
        }
        var stateBytes = payload.WrittenSpan;

        var document = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(document, Indented))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WritePropertyName("state");
            writer.WriteRawValue(stateBytes, skipInputValidation: true);
            writer.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(stateBytes)));
            writer.WriteEndObject();
        }
        document.Write("\n"u8);
        var bytes = document.WrittenSpan.ToArray();

        // Load refuses what it cannot vouch for; a save that wrote such a state would be found
        // out only at the restart that needs it, with the previous state already overwritten.
        StableState loaded;
        try
        {
            loaded = Decode(bytes, Unsaved);
        }
        catch (StableStorageException ex)
        {
            throw new ArgumentException($"{ex.Message}: it would not load back, so it is not saved", nameof(state), ex);
        }
        if (loaded != state)
            throw new ArgumentException($"{Unsaved}: it would load back as {loaded}, not as itself (a configuration identifier with no name?)", nameof(state));
        return bytes;
    }

    /// <summary>Writes <paramref name="history"/> as the <c>primary</c> object.</summary>
    private static void WriteHistory(Utf8JsonWriter writer, PrimaryHistory history)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("lastPrimary");
        WriteRecord(writer, history.LastPrimary);
        writer.WriteStartArray("ambiguous");
        foreach (var record in history.Ambiguous) WriteRecord(writer, record);
        writer.WriteEndArray();
        writer.WritePropertyName("lastInstalled");
        WriteRecord(writer, history.LastInstalled);
        writer.WriteNumber("identities", history.Identities);
        writer.WriteNumber("identityInUse", history.IdentityInUse);
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="record"/> as a RECORD object, or null.</summary>
    private static void WriteRecord(Utf8JsonWriter writer, PrimaryRecord? record)
    {
        if (record is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("id", record.Id.Name);
        writer.WriteNumber("ringSequence", record.RingSequence);
        writer.WriteStartArray("members");
        foreach (var member in record.Members) writer.WriteStringValue(member.Name);
        writer.WriteEndArray();
        writer.WriteString("leader", record.Leader.Name);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The state in a document's bytes; <paramref name="source"/> names the document in errors.
    /// Throws <see cref="StableStorageException"/> on anything but a whole, intact document.
    /// </summary>
    public static StableState Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.IsEmpty) throw new StableStorageException(source, "the state file is empty (truncated by a crash or a full disk?)");
        // The JSON reader checks UTF-8 only when a string is read; a damaged byte must fail here.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new StableStorageException(source, "the state file is not valid UTF-8 text (corrupted?)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray());
        }
        catch (JsonException ex)
        {
            throw new StableStorageException(source, $"the state file is not valid JSON (truncated or corrupted?): {ex.Message}", ex);
        }
        using (document)
        {
            var fields = Fields(document.RootElement, DocumentFields, source, "the document");
            var format = fields["format"];
            if (format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
                throw new StableStorageException(source, $"the format is {format.GetRawText()}, not \"{FormatName}\"");
            var version = fields["version"];
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number) || number < 1 || number > FormatVersion)
                throw new StableStorageException(source, $"unknown version {version.GetRawText()}; this build reads versions 1 to {FormatVersion}");

            var state = fields["state"];
            var checksum = fields["sha256"];
            string actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state.GetRawText())));
            if (checksum.ValueKind != JsonValueKind.String || checksum.GetString() != actual)
                throw new StableStorageException(source, $"checksum mismatch: the file says {checksum.GetRawText()}, the state hashes to \"{actual}\" (corrupted?)");

            // Past the checksum the state is what was written; these checks catch a writer's bug.
            var stateFields = Fields(state, StateFields[number - 1], source, "the state");
            var sequence = stateFields["highestRingSequence"];
            if (sequence.ValueKind != JsonValueKind.Number || !sequence.TryGetInt64(out long highest))
                throw new StableStorageException(source, $"highestRingSequence is {sequence.GetRawText()}, not a 64-bit integer");
            var last = stateFields["lastConfiguration"];
            ConfigurationId? configuration = last.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => new ConfigurationId(last.GetString()!),
                _ => throw new StableStorageException(source, $"lastConfiguration is {last.GetRawText()}, not a string or null"),
            };
            // Version 1 had no primary component algorithm, so no primary history to keep.
            var primary = stateFields.TryGetValue("primary", out var history) ? History(history, source) : null;
            return new StableState(highest, configuration, primary);
        }
    }

    /// <summary>The primary history in the state's <c>primary</c> field: null, or an object with exactly <see cref="HistoryFields"/>.</summary>
    private static PrimaryHistory? History(JsonElement element, string source)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object)
            throw new StableStorageException(source, $"primary is {element.GetRawText()}, not an object or null");
        var fields = Fields(element, HistoryFields, source, "primary");
        var lastPrimary = OptionalRecord(fields["lastPrimary"], "primary.lastPrimary", source);
        var ambiguous = fields["ambiguous"];
        if (ambiguous.ValueKind != JsonValueKind.Array)
            throw new StableStorageException(source, $"primary.ambiguous is {ambiguous.GetRawText()}, not an array");
        var records = ImmutableArray.CreateBuilder<PrimaryRecord>(ambiguous.GetArrayLength());
        foreach (var item in ambiguous.EnumerateArray())
            records.Add(Record(item, $"primary.ambiguous[{records.Count}]", source));
        var lastInstalled = OptionalRecord(fields["lastInstalled"], "primary.lastInstalled", source);
        var identities = fields["identities"];
        if (identities.ValueKind != JsonValueKind.Number || !identities.TryGetInt32(out int count) || count < 0)
            throw new StableStorageException(source, $"primary.identities is {identities.GetRawText()}, not a non-negative 32-bit integer");
        var inUse = fields["identityInUse"];
        if (inUse.ValueKind != JsonValueKind.Number || !inUse.TryGetInt32(out int used) || used < 0 || used > count)
            throw new StableStorageException(source, $"primary.identityInUse is {inUse.GetRawText()}, not a whole number from 0 to identities ({count})");
        return new PrimaryHistory(lastPrimary, records.MoveToImmutable(), lastInstalled, count, used);
    }

    /// <summary>The record in the field named <paramref name="field"/>, or null when it holds null.</summary>
    private static PrimaryRecord? OptionalRecord(JsonElement element, string field, string source) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Object => Record(element, field, source),
        _ => throw new StableStorageException(source, $"{field} is {element.GetRawText()}, not an object or null"),
    };

    /// <summary>
    /// The <see cref="PrimaryRecord"/> in the field named <paramref name="field"/>: an object with
    /// exactly <see cref="RecordFields"/>, at least one member, none twice, and a leader among them.
    /// </summary>
    private static PrimaryRecord Record(JsonElement element, string field, string source)
    {
        var fields = Fields(element, RecordFields, source, field);
        var id = fields["id"];
        if (id.ValueKind != JsonValueKind.String)
            throw new StableStorageException(source, $"{field}.id is {id.GetRawText()}, not a string");
        var sequence = fields["ringSequence"];
        if (sequence.ValueKind != JsonValueKind.Number || !sequence.TryGetInt64(out long ringSequence))
            throw new StableStorageException(source, $"{field}.ringSequence is {sequence.GetRawText()}, not a 64-bit integer");
        var list = fields["members"];
        if (list.ValueKind != JsonValueKind.Array)
            throw new StableStorageException(source, $"{field}.members is {list.GetRawText()}, not an array");
        var members = ImmutableSortedSet.CreateBuilder(ProcessId.Ordinal);
        int index = 0;
        foreach (var item in list.EnumerateArray())
            if (!members.Add(Process(item, $"{field}.members[{index++}]", source)))
                throw new StableStorageException(source, $"{field}.members has {item.GetRawText()} twice");
        // A configuration has at least one member: the one that recorded it.
        if (members.Count == 0) throw new StableStorageException(source, $"{field}.members is empty");
        var leader = Process(fields["leader"], $"{field}.leader", source);
        if (!members.Contains(leader))
            throw new StableStorageException(source, $"{field}.leader is {fields["leader"].GetRawText()}, not one of its members");
        return new PrimaryRecord(new ConfigurationId(id.GetString()!), ringSequence, members.ToImmutable(), leader);
    }

    /// <summary>The process identifier in the field named <paramref name="field"/>: a string that <see cref="ProcessId.IsValid"/> accepts.</summary>
    private static ProcessId Process(JsonElement element, string field, string source) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is var name && ProcessId.IsValid(name)
            ? new ProcessId(name!)
            : throw new StableStorageException(source, $"{field} is {element.GetRawText()}, not a process identifier (letters, digits, '-' and '_')");

    /// <summary>The properties of <paramref name="element"/>, which must be an object with exactly <paramref name="expected"/>.</summary>
    private static Dictionary<string, JsonElement> Fields(JsonElement element, string[] expected, string source, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new StableStorageException(source, $"{what} is a JSON {element.ValueKind}, not an object");
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(expected, property.Name) < 0)
                throw new StableStorageException(source, $"{what} has an unknown field \"{property.Name}\" (written by a newer build?)");
            if (!fields.TryAdd(property.Name, property.Value))
                throw new StableStorageException(source, $"{what} has the field \"{property.Name}\" twice");
        }
        foreach (var name in expected)
            if (!fields.ContainsKey(name)) throw new StableStorageException(source, $"{what} has no field \"{name}\"");
        return fields;
    }

    /// <summary>
    /// Flushes a directory, so that a rename or a new entry in it is on disk. On Linux this is
    /// open + fsync + close on the directory; .NET has no call for it, as it will not open a
    /// directory as a file. Elsewhere it does nothing: Windows has no such call (a rename there
    /// is made durable by the file system's journal), and macOS would need its own flag values
    /// and F_FULLFSYNC, which this reference implementation does not claim to support.
    /// </summary>
    internal static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Libc.open(directory, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) throw new StableStorageException(directory, $"cannot open the directory to flush it: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            // EINVAL: the file system cannot flush a directory (some network and FUSE file
            // systems); there is nothing more a process can do, and failing every save would
            // leave it no stable storage at all.
            if (Libc.fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Libc.EINVAL)
                throw new StableStorageException(directory, $"cannot flush the directory: errno {errno}");
        }
        finally
        {
            Libc.close(fd);
        }
    }
}
