// Section 2: "A process may fail and may subsequently recover after an arbitrary amount of
// time with its stable storage intact." A real process's stable storage is a file, and the
// paper's assumption holds only if a crash can never leave that file half-written, and if a
// damaged file is never mistaken for a first start: a process that forgot its highest ring
// sequence number could form a ring, and send messages, under an identifier already used.
// So a save is write-to-temp, fsync, rename, fsync-the-directory, and a load checks a
// checksum and refuses, loudly, anything it cannot read.
using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;

namespace Evs.Reference.Storage;

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
///   "version": 1,
///   "state": {"highestRingSequence":12,"lastConfiguration":"R12.p1"},
///   "sha256": "&lt;SHA-256, lowercase hex, of the UTF-8 bytes of the state value exactly as written&gt;"
/// }
/// </code>
/// Reading is strict: a field that is missing, unknown or repeated is an error, as is any
/// version but <see cref="FormatVersion"/>. A new field (the primary component algorithm will
/// add some) comes with a new version number; this reader then learns to read the old version
/// too. Tolerating unknown fields instead would let an older build quietly drop state a newer
/// one relies on.
/// </summary>
public sealed class FileStableStorage : IStableStorage
{
    /// <summary>The name of the state file in the directory.</summary>
    public const string FileName = "stable-state.json";

    /// <summary>The value of the document's <c>format</c> field.</summary>
    public const string FormatName = "evs-stable-state";

    /// <summary>The version of the document this build writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    // A save writes here first. The name is fixed, so a file left by a crash mid-save is
    // simply overwritten by the next save; Load never looks at it.
    private const string TempFileName = FileName + ".tmp";

    private static readonly JsonWriterOptions Indented = new() { Indented = true };
    private static readonly string[] DocumentFields = ["format", "version", "state", "sha256"];
    private static readonly string[] StateFields = ["highestRingSequence", "lastConfiguration"];

    private readonly string _tempPath;
    private readonly Lock _saving = new();

    /// <summary>Storage in <paramref name="directory"/>, which is created if missing.</summary>
    public FileStableStorage(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        FilePath = System.IO.Path.Combine(Directory, FileName);
        _tempPath = System.IO.Path.Combine(Directory, TempFileName);
        var created = new List<string>();
        for (string? missing = Directory; missing is not null && !System.IO.Directory.Exists(missing); missing = System.IO.Path.GetDirectoryName(missing))
            created.Add(missing);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(Directory, $"cannot create the directory: {ex.Message}", ex);
        }
        // A new directory's entry in its parent must survive a power loss too, or the first
        // save would be lost with it.
        foreach (var made in created)
            if (System.IO.Path.GetDirectoryName(made) is { } parent) SyncDirectory(parent);
    }

    /// <summary>The directory that holds the state.</summary>
    public string Directory { get; }

    /// <summary>The full path of the state file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// The last saved state, or null when there is no state file (a first start).
    /// A state file that is empty, truncated, not JSON, of another format or version, or whose
    /// checksum does not match throws <see cref="StableStorageException"/>; it is never read as
    /// a first start.
    /// </summary>
    public StableState? Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(FilePath, $"cannot read the state file: {ex.Message}", ex);
        }
        return Decode(bytes, FilePath);
    }

    /// <summary>
    /// Replaces the saved state: the new document is written to a temporary file in the same
    /// directory and flushed to disk, renamed over the state file (atomic on POSIX file systems,
    /// so a crash leaves the old file or the new one), and the directory is flushed so the
    /// rename itself survives a power loss.
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
                    stream.Flush(flushToDisk: true);
                }
                File.Move(_tempPath, FilePath, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StableStorageException(FilePath, $"cannot save the state: {ex.Message}", ex);
            }
            SyncDirectory(Directory);
        }
    }

    /// <summary>The bytes of the document that holds <paramref name="state"/>.</summary>
    public static byte[] Encode(StableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // The checksum covers the state exactly as written, so the reader hashes the bytes it
        // finds without having to rebuild a canonical form.
        var payload = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteNumber(StateFields[0], state.HighestRingSequence);
            if (state.LastConfiguration is { } configuration) writer.WriteString(StateFields[1], configuration.Name);
            else writer.WriteNull(StateFields[1]);
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
        return document.WrittenSpan.ToArray();
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
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number) || number != FormatVersion)
                throw new StableStorageException(source, $"unknown version {version.GetRawText()}; this build reads version {FormatVersion}");

            var state = fields["state"];
            var checksum = fields["sha256"];
            string actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state.GetRawText())));
            if (checksum.ValueKind != JsonValueKind.String || checksum.GetString() != actual)
                throw new StableStorageException(source, $"checksum mismatch: the file says {checksum.GetRawText()}, the state hashes to \"{actual}\" (corrupted?)");

            // Past the checksum the state is what was written; these checks catch a writer's bug.
            var stateFields = Fields(state, StateFields, source, "the state");
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
            return new StableState(highest, configuration);
        }
    }

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
    private static void SyncDirectory(string directory)
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

    /// <summary>The three libc calls <see cref="SyncDirectory"/> needs. The flag values are Linux's, the same on x64 and arm64.</summary>
    private static class Libc
    {
        public const int O_RDONLY = 0;
        public const int O_CLOEXEC = 0x80000;
        public const int EINVAL = 22;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc")]
        public static extern int close(int fd);
    }

}
