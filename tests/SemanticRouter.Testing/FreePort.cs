using System.Net;
using System.Net.Sockets;

namespace SemanticRouter.Testing;

/// <summary>Finds free loopback TCP ports; tests never assume fixed ports are available.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
