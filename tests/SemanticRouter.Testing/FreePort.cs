using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SemanticRouter.Testing;

/// <summary>Finds free loopback TCP ports; tests never assume fixed ports are available.</summary>
public static class FreePort
{
    // The kernel may hand the same ephemeral port to two probes in a row once the first listener is closed (seen:
    // Azurite given one port for blob and table). A port is handed out once per test process.
    private static readonly ConcurrentDictionary<int, bool> Issued = new();

    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Issued.TryAdd(port, true) || attempt >= 100)
            {
                return port;
            }
        }
    }
}
