// The real network, the wire format (docs/WIRE.md, "Keys"): the shared key of a cluster lives
// in a small text file that `evs keygen` writes and every node reads. Reading it fails with a
// message that says what is wrong, because a node started with a bad key would only ever see
// its peers' datagrams dropped as unauthenticated.
using System.Security.Cryptography;

namespace Evs.Runtime.Wire;

/// <summary>A key file could not be read: missing, unreadable, not base64, or not a 32-byte key.</summary>
public sealed class KeyFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A cluster key file: 32 random bytes as one line of base64 (44 characters). Written readable
/// and writable by its owner only (mode 0600 on Unix), since whoever reads it can join the cluster.
/// </summary>
public static class KeyFile
{
    /// <summary>
    /// Writes a new random key to <paramref name="path"/> and returns it. An existing file is replaced
    /// only when <paramref name="replace"/> is true (a new key locks out every node holding the old
    /// one); otherwise, and when the file cannot be written, throws <see cref="KeyFileException"/>.
    /// </summary>
    public static byte[] Generate(string path, bool replace = false)
    {
        var key = RandomNumberGenerator.GetBytes(WireSecurity.KeyLength);
        var options = new FileStreamOptions { Mode = replace ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
                writer.WriteLine(Convert.ToBase64String(key));
            // UnixCreateMode applies only to a file that did not exist; a replaced file gets the mode too.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (IOException ex) when (!replace && File.Exists(path))
        {
            throw new KeyFileException($"key file {path} exists; a new key would lock out every node that holds the old one", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"key file {path} cannot be written: {ex.Message}", ex);
        }
        return key;
    }

    /// <summary>The key in <paramref name="path"/>; throws <see cref="KeyFileException"/> saying what is wrong.</summary>
    public static byte[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
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
}
