// The real network (the runtime driver): the two Linux system calls that move many datagrams at
// once, sendmmsg and recvmmsg, which .NET does not offer. A token visit sends up to a window of
// messages to every peer, and the profile of a node under load put two thirds of its time in the
// kernel, one system call per datagram; these calls pay the call once for a whole batch. The
// structures are Linux's on 64-bit machines (x64 and arm64 lay them out alike); anywhere else the
// transports use .NET's portable calls instead (UdpSockets.CanBatch).
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Evs.Runtime;

/// <summary>sendmmsg, recvmmsg and the socket addresses they take, for 64-bit Linux.</summary>
internal static unsafe partial class LinuxDatagrams
{
    /// <summary>The most datagrams one call takes (the kernel's UIO_MAXIOV).</summary>
    public const int MaxBatch = 1024;

    /// <summary>recvmmsg: block for the first datagram only, then take what is already there.</summary>
    public const int MSG_WAITFORONE = 0x10000;

    /// <summary>recvmsg's flag for a datagram longer than the buffer (cut).</summary>
    public const int MSG_TRUNC = 0x20;

    /// <summary>Room for any socket address (sockaddr_storage).</summary>
    public const int AddressBytes = 128;

    public const int EINTR = 4;
    public const int EAGAIN = 11;

    private const ushort AF_INET = 2;
    private const ushort AF_INET6 = 10;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr: a struct msghdr (56 bytes) and the bytes the call moved.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct MessageHeader
    {
        [FieldOffset(0)] public void* Name;
        [FieldOffset(8)] public uint NameLength;
        [FieldOffset(16)] public IoVector* Vectors;
        [FieldOffset(24)] public nuint VectorCount;
        [FieldOffset(32)] public void* Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Transferred;
    }

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMany(int fd, MessageHeader* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int ReceiveMany(int fd, MessageHeader* messages, uint count, int flags, void* timeout);

    /// <summary>Whether these calls can be used here: Linux, 64-bit.</summary>
    public static bool Available => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>
    /// sendmmsg on <paramref name="socket"/>: the number of datagrams sent from the start of
    /// <paramref name="messages"/>, or -1 with <paramref name="errno"/> when the first could not be.
    /// </summary>
    public static int Send(Socket socket, MessageHeader* messages, int count, out int errno)
    {
        var handle = Hold(socket, out bool held);
        try
        {
            return Result(SendMany((int)handle.DangerousGetHandle(), messages, (uint)count, 0), out errno);
        }
        finally
        {
            if (held) handle.DangerousRelease();
        }
    }

    /// <summary>recvmmsg on <paramref name="socket"/>, waiting for the first datagram: how many arrived, or -1 with <paramref name="errno"/>.</summary>
    public static int Receive(Socket socket, MessageHeader* messages, int count, out int errno)
    {
        var handle = Hold(socket, out bool held);
        try
        {
            return Result(ReceiveMany((int)handle.DangerousGetHandle(), messages, (uint)count, MSG_WAITFORONE, null), out errno);
        }
        finally
        {
            if (held) handle.DangerousRelease();
        }
    }

    // The socket's handle, held for the length of a call, so that a Dispose on another thread
    // cannot close the descriptor (and let a new socket take its number) while the call uses it;
    // .NET then wakes the call (shutdown) and closes the descriptor once it is let go. Throws
    // ObjectDisposedException when the socket is closed already.
    private static SafeHandle Hold(Socket socket, out bool held)
    {
        var handle = socket.SafeHandle;
        held = false;
        handle.DangerousAddRef(ref held);
        return handle;
    }

    private static int Result(int result, out int errno)
    {
        errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        return result;
    }

    /// <summary>Writes <paramref name="address"/> as a sockaddr_in or sockaddr_in6 at <paramref name="into"/>; returns its length.</summary>
    public static uint WriteAddress(IPEndPoint address, byte* into)
    {
        var bytes = new Span<byte>(into, AddressBytes);
        bytes.Clear();
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        MemoryMarshal.Write(bytes, v4 ? AF_INET : AF_INET6); // the family in the machine's byte order
        bytes[2] = (byte)(address.Port >> 8);                // the port in network order
        bytes[3] = (byte)address.Port;
        if (v4)
        {
            address.Address.TryWriteBytes(bytes[4..8], out _);
            return 16;
        }
        address.Address.TryWriteBytes(bytes[8..24], out _);
        MemoryMarshal.Write(bytes[24..28], (uint)address.Address.ScopeId);
        return 28;
    }

    /// <summary>The address of a sockaddr_in or sockaddr_in6 at <paramref name="from"/>, or null for another family.</summary>
    public static IPEndPoint? ReadAddress(byte* from)
    {
        var bytes = new ReadOnlySpan<byte>(from, AddressBytes);
        ushort family = MemoryMarshal.Read<ushort>(bytes);
        int port = bytes[2] << 8 | bytes[3];
        return family switch
        {
            AF_INET => new IPEndPoint(new IPAddress(bytes[4..8]), port),
            AF_INET6 => new IPEndPoint(new IPAddress(bytes[8..24], MemoryMarshal.Read<uint>(bytes[24..28])), port),
            _ => null,
        };
    }
}
