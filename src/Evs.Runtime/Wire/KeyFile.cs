// The real network, the wire format (docs/WIRE.md, "Keys"): the shared key of a cluster lives
// in a small text file that `evs keygen` writes and every node reads. Reading it fails with a
// message that says what is wrong, because a node started with a bad key would only ever see
// its peers' datagrams dropped as unauthenticated. Whoever reads the file can join the cluster
// and speak for any of its processes, so the file is kept private the way ssh keeps a private
// key: written readable by its owner only, and refused when others may read or write it.
using System.Security.Cryptography;

namespace Evs.Runtime.Wire;

/// <summary>
/// A key file could not be read or written: missing, unreadable, open to others than its owner,
/// not base64, not a 32-byte key, or a link where a new key was to be written.
/// </summary>
public sealed class KeyFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A cluster key file: 32 random bytes as one line of base64 (44 characters). Written readable
/// and writable by its owner only (mode 0600 on Unix), since whoever reads it can join the cluster.
/// </summary>
internal static class KeyFile
{
    // The mode of a key file: read and write for its owner, nothing for anyone else.
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Any permission for the group or for others: a file with one of these is not private.
    private const UnixFileMode OthersMask =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes a new random key to <paramref name="path"/> and returns it. An existing file is replaced
    /// only when <paramref name="replace"/> is true (a new key locks out every node holding the old
    /// one); otherwise, when the path is a symbolic link or a directory, and when the file cannot be
    /// written, throws <see cref="KeyFileException"/>.
    /// </summary>
    /// <remarks>
    /// The key is written to a new private file beside <paramref name="path"/>, which is then renamed
    /// onto it. A rename replaces the directory entry, whatever it is, and never writes through it:
    /// a link planted at the path cannot make the key land in, or destroy, the file it points to;
    /// a file hard-linked elsewhere keeps its old content under its other name; and a crash leaves
    /// the old key or the new one, never half of one.
    /// </remarks>
    public static byte[] Generate(string path, bool replace = false)
    {
        RefuseLinkOrDirectory(path);
        if (!replace && File.Exists(path)) throw Exists(path, null);
        var key = RandomNumberGenerator.GetBytes(WireSecurity.KeyLength);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteNew(temporary, key);
            File.Move(temporary, full, overwrite: replace);
        }
        catch (IOException ex) when (!replace && File.Exists(path))
        {
            // Another process wrote the file between the check above and the rename.
            Discard(temporary);
            throw Exists(path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new KeyFileException($"key file {path} cannot be written: there is no directory {Path.GetDirectoryName(full)}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Discard(temporary);
            throw new KeyFileException($"key file {path} cannot be written: {ex.Message}", ex);
        }
        return key;
    }

    /// <summary>
    /// The key in <paramref name="path"/>; throws <see cref="KeyFileException"/> saying what is wrong.
    /// On Unix a file whose mode gives its group or others any permission is refused, as ssh refuses
    /// such a private key, unless <paramref name="allowInsecure"/>: it is then read, and
    /// <paramref name="warn"/> is told why it should not have been.
    /// </summary>
    public static byte[] Read(string path, bool allowInsecure = false, Action<string>? warn = null)
    {
        string text;
        try
        {
            // The mode is that of the open file, not of the path: the file judged is the file read,
            // even if the path is changed in between.
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            // Windows has no Unix modes (a file's access is its ACL's business): there is nothing to check.
            if (!OperatingSystem.IsWindows()) CheckPrivate(path, File.GetUnixFileMode(handle), allowInsecure, warn);
            using var reader = new StreamReader(new FileStream(handle, FileAccess.Read));
            text = reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyFileException($"key file {path} does not exist (write one with `evs keygen {path}`)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"key file {path} cannot be read: {ex.Message}", ex);
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new KeyFileException($"key file {path} is not base64 text", ex);
        }
        if (key.Length != WireSecurity.KeyLength)
            throw new KeyFileException($"key file {path} holds {key.Length} bytes; a key is {WireSecurity.KeyLength}");
        return key;
    }

    // A mode as chmod writes it: four octal digits, 0644.
    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static void CheckPrivate(string path, UnixFileMode mode, bool allowInsecure, Action<string>? warn)
    {
        if ((mode & OthersMask) == 0) return;
        var exposed = $"key file {path} has mode {Octal(mode)}, open to users other than its owner, and whoever reads the key can join the cluster";
        if (!allowInsecure) throw new KeyFileException($"{exposed}; make it private with `chmod 600 {path}`");
        warn?.Invoke($"{exposed}; it is used anyway, as asked");
    }

    // A new key never goes to a path that is a link (it would be written wherever the link points, by
    // whoever planted it) or a directory. Other special files (a FIFO, a device) cannot be told from
    // a regular file without a stat the framework does not offer before .NET 11; the rename replaces
    // them like a file, without opening them.
    private static void RefuseLinkOrDirectory(string path)
    {
        if (new FileInfo(path).LinkTarget is { } target)
            throw new KeyFileException($"key file {path} is a symbolic link (to {target}); a key is written only to a regular file: remove the link or give the file's own path");
        if (Directory.Exists(path))
            throw new KeyFileException($"key file {path} is a directory");
    }

    // Creates the file, which must not exist (so no link is followed), private from its first byte
    // whatever the umask, and writes the key through to the disk before it is renamed into place.
    private static void WriteNew(string path, byte[] key)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateMode;
        using var stream = new FileStream(path, options);
        // The umask can take permissions away from UnixCreateMode (a umask of 0200 would leave the
        // owner unable to write): set on the open file, the mode is exactly 0600 whatever the umask.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, PrivateMode);
        using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.WriteLine(Convert.ToBase64String(key));
        stream.Flush(flushToDisk: true);
    }

    private static void Discard(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The temporary file was never created (its directory is missing or not writable).
        }
    }

    private static KeyFileException Exists(string path, Exception? inner) =>
        new($"key file {path} exists; a new key would lock out every node that holds the old one", inner);
}
