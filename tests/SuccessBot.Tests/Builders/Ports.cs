using System.Net;
using System.Net.Sockets;

namespace SuccessBot.Tests.Builders;

public static class Ports
{
    /// <summary>A loopback port nothing listens on now, for a server a test starts as its own process.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
