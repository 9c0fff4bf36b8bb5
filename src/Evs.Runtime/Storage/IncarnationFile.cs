// A receiver tells a fresh datagram from a copy by its sender's incarnation and counter
// (docs/WIRE.md, "Fresh datagrams"); the counter starts again at every start, so the incarnation
// must grow at every start, or a copy of a datagram of an earlier run would pass for a new one.
// It is kept in the store, beside the stable state, and advanced before the node sends anything.
// It is also at least the clock's time, so that it grows when the store was lost and the process
// starts again with a new identity, while its peers still remember its old incarnation.
using System.Globalization;
using System.Text;

namespace Evs.Runtime.Storage;

/// <summary>
/// The file <see cref="FileName"/> in a store directory: this process's incarnation, one line of
/// decimal digits. <see cref="Advance"/> reads it and replaces it with the next incarnation,
/// max(stored + 1, Unix time in milliseconds), durably: written to a temporary file, flushed to the
/// disk, renamed over the old one, the directory flushed. A file that cannot be read as a number is
/// refused, never taken for a first start.
/// </summary>
internal static class IncarnationFile
{
    /// <summary>The file's name in the store directory.</summary>
    public const string FileName = "incarnation";

    private const string TempFileName = FileName + ".tmp";

    /// <summary>
    /// The incarnation of the run that starts now, in the store <paramref name="directory"/> (which
    /// must exist and be locked by the caller), with <paramref name="clock"/>'s time; it is on the
    /// disk when this returns.
    /// </summary>
    /// <exception cref="StableStorageException">The file cannot be read, holds no incarnation, or cannot be written.</exception>
    public static ulong Advance(string directory, TimeProvider clock)
    {
        var path = Path.Combine(directory, FileName);
        ulong now = (ulong)Math.Max(1, (long)WallClock.UnixMs(clock));
        ulong next = Read(path) is { } stored ? Math.Max(stored + 1, now) : now;
        Write(directory, path, next);
        return next;
    }

    /// <summary>The incarnation stored in <paramref name="path"/>, or null when there is no file.</summary>
    /// <exception cref="StableStorageException">The file cannot be read or holds no incarnation.</exception>
    public static ulong? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(path, $"cannot read the incarnation: {ex.Message}", ex);
        }
        if (!ulong.TryParse(text.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out ulong stored) || stored == ulong.MaxValue)
            throw new StableStorageException(path,
                "the file holds no incarnation (one line of decimal digits below 2^64 - 1): damaged? Delete it to start from the clock's time, " +
                "which is safe unless the clock was set back since this process last ran");
        return stored;
    }

    private static void Write(string directory, string path, ulong incarnation)
    {
        var temp = Path.Combine(directory, TempFileName);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.ASCII.GetBytes(incarnation.ToString(CultureInfo.InvariantCulture) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(path, $"cannot write the incarnation: {ex.Message}", ex);
        }
        FileStableStorage.SyncDirectory(directory);
    }
}
