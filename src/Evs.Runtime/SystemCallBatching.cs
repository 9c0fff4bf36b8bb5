// The real network (the runtime driver): which of the UDP transports' system calls move many
// datagrams at once (sendmmsg, recvmmsg on 64-bit Linux; LinuxDatagrams). On by default; off is
// the portable path every other platform takes (one Socket.SendTo or ReceiveFrom per datagram),
// which a benchmark switches on and off to measure what each call bought.
namespace Evs.Runtime;

/// <summary>Which directions batch their datagrams into one system call, where the platform allows it.</summary>
[Flags]
internal enum SystemCallBatching
{
    /// <summary>One system call per datagram both ways (the portable path).</summary>
    None = 0,

    /// <summary>The datagrams of one step of the node leave in one sendmmsg.</summary>
    Send = 1,

    /// <summary>A receive takes every datagram already waiting, up to a batch, in one recvmmsg.</summary>
    Receive = 2,

    /// <summary>Both (the default).</summary>
    Both = Send | Receive,
}
