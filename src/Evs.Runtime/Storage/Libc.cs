// The few libc calls the store needs and .NET does not offer: flushing a directory (which .NET will
// not open as a file), and taking and reading a store's lock without .NET's own file locking, which
// a process can switch off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) and which keeps a locked file from
// being read at all. Linux only: the flag values are Linux's, the same on x64 and arm64.
using System.Runtime.InteropServices;

namespace Evs.Runtime.Storage;

internal static class Libc
{
    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int EINVAL = 22;
    public const int EWOULDBLOCK = 11;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    [DllImport("libc", SetLastError = true)]
    public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int flock(int fd, int operation);

    [DllImport("libc")]
    public static extern int close(int fd);
}
