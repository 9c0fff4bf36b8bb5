// A store belongs to one running process. A second process started on the same store would load
// the first one's state, save over it, append to its trace and take over its control socket: two
// processes with one identity and one ring sequence, each installing configurations the other
// does not know of. So a node takes its store's lock before it opens anything else, and a second
// one is refused before it has written a byte. The lock is the operating system's, held by an
// open file: it dies with the process, kill -9 included, so no stale lock is ever left to clear.
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Evs.Runtime.Storage;

/// <summary>
/// The exclusive lock on a store directory, held from <see cref="Acquire"/> to <see cref="Dispose"/>:
/// the file <see cref="FileName"/> in the directory, kept open with <see cref="FileShare.None"/>.
/// On Windows that is a sharing mode no other open can pass. On Linux and macOS .NET turns it
/// into an advisory <c>flock(LOCK_EX | LOCK_NB)</c> on the file, which every other open of the
/// file by .NET respects; on Linux the lock also takes that <c>flock</c> itself, so it holds in a
/// process where .NET's file locking is switched off (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>).
/// The file holds a line naming its holder (process id, node, since when), which a refused
/// process on Linux reads for its error. The file is never deleted: a process that deleted it
/// on release could leave the next two each holding a lock on a file of their own.
/// <para>
/// What it cannot stop: a process that does not take the lock (another program, an older build),
/// and the lock file deleted while its holder runs, after which a second process creates a new
/// one. It is advisory on a network file system only as far as that file system passes <c>flock</c> on.
/// </para>
/// </summary>
internal sealed class StoreLock : IDisposable
{
    /// <summary>The name of the lock file in the store directory.</summary>
    public const string FileName = "node.lock";

    private readonly FileStream _file;

    private StoreLock(string directory, string path, FileStream file)
    {
        Directory = directory;
        FilePath = path;
        _file = file;
    }

    /// <summary>The store directory, a full path.</summary>
    public string Directory { get; }

    /// <summary>The lock file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Takes the lock on <paramref name="directory"/> (created if missing) for <paramref name="holder"/>,
    /// the process that will run on it; it is held until <see cref="Dispose"/> or the process's end.
    /// </summary>
    /// <exception cref="StableStorageException">Another process holds the lock, or it cannot be taken.</exception>
    public static StoreLock Acquire(string directory, string holder)
    {
        var full = FileStableStorage.CreateDirectory(directory);
        var path = Path.Combine(full, FileName);
        FileStream file;
        try
        {
            // OpenOrCreate, not Create: a refused open must leave the holder's file as it is.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (IsHeld(ex))
        {
            throw Held(full, path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StableStorageException(full, $"cannot open the store's lock file {path}: {ex.Message}", ex);
        }
        try
        {
            if (OperatingSystem.IsLinux()) Flock(file, full, path);
            var line = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}, {holder}, since {WallClock.UtcText()}\n");
            file.SetLength(0);
            file.Write(line);
            file.Flush();
        }
        catch (IOException ex)
        {
            file.Dispose();
            throw new StableStorageException(full, $"cannot write the store's lock file {path}: {ex.Message}", ex);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return new StoreLock(full, path, file);
    }

    /// <summary>Releases the lock (the file stays).</summary>
    public void Dispose() => _file.Dispose();

    // Whether the open was refused because the lock is held: on Windows a sharing or lock
    // violation (ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33); elsewhere .NET's flock
    // failed with EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs), which it gives as the HResult.
    private static bool IsHeld(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33
        : ex.HResult == (OperatingSystem.IsLinux() ? Libc.EWOULDBLOCK : 35);

    // The lock taken by the process itself, as well as by .NET: a no-op when .NET took it on this
    // open file already, the only lock there is when .NET's file locking is switched off.
    private static void Flock(FileStream file, string directory, string path)
    {
        int fd = (int)file.SafeFileHandle.DangerousGetHandle();
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0) return;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.EWOULDBLOCK) throw Held(directory, path, inner: null);
        throw new StableStorageException(directory, $"cannot lock the store's lock file {path}: errno {errno}");
    }

    private static StableStorageException Held(string directory, string path, Exception? inner) =>
        new(directory,
            $"another process is running on this store{(Holder(path) is { } who ? $": {who}" : "")} (it holds the lock {path}). " +
            "Two processes on one store would overwrite each other's state and trace; stop the other one, or give this one a store of its own",
            inner);

    // The holder's line, read past .NET's lock (Linux only): .NET would refuse the open, as it
    // refused the lock. Null where it cannot be read; the error says enough without it.
    private static string? Holder(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) return null;
        using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        var buffer = new byte[256];
        try
        {
            int read = RandomAccess.Read(handle, buffer, 0);
            var text = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return text.Length == 0 || text.Contains('\n') ? null : text;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
