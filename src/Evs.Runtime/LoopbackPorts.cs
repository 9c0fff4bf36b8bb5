// The real network on one machine: a cluster of nodes on 127.0.0.1 (evs cluster, evs bench, the
// tests over sockets) needs ports that nothing else holds. The system picks them.
using System.Net;
using System.Net.Sockets;

namespace Evs.Runtime;

/// <summary>Free UDP ports of the loopback interface.</summary>
internal static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct free UDP ports of 127.0.0.1: sockets bound to port 0 at once,
    /// their ports read, then closed (the nodes bind them a moment later).
    /// </summary>
    public static List<int> Free(int count)
    {
        var sockets = Enumerable.Range(0, count).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToList();
        try
        {
            foreach (var socket in sockets) socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToList();
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }
}
