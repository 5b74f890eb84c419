using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Benchmarks;

/// <summary>
/// A lower floor than <see cref="MinimalProxy"/>: Kestrel in, but the upstream call is hand-written HTTP/1.1
/// over pooled sockets (one send, headers scanned only for Content-Length), so no HTTP client library is paid
/// for. It measures what the second loopback hop itself costs on this machine. Benchmark-only: it understands
/// just the loopback backend's answers (200, Content-Length, keep-alive) and has no timeouts or error handling.
/// </summary>
internal sealed class RawSocketProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentBag<Connection> _pool = [];

    private RawSocketProxy(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First() + "/v1/chat/completions");

    public static async Task<RawSocketProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new RawSocketProxy(app);
        var endpoint = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        var head = Encoding.ASCII.GetBytes($"POST {upstream.AbsolutePath} HTTP/1.1\r\nHost: {upstream.Authority}\r\nContent-Type: application/json\r\nContent-Length: ");
        app.MapPost("/v1/chat/completions", async http =>
        {
            var length = (int)(http.Request.ContentLength ?? 0);
            var request = new byte[head.Length + 16 + length];
            head.CopyTo(request, 0);
            Utf8Formatter.TryFormat(length, request.AsSpan(head.Length), out var digits);
            var bodyAt = head.Length + digits + 4;
            "\r\n\r\n"u8.CopyTo(request.AsSpan(head.Length + digits));
            await http.Request.Body.ReadExactlyAsync(request.AsMemory(bodyAt, length), http.RequestAborted);
            if (!proxy._pool.TryTake(out var connection))
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint);
                connection = new Connection(socket);
            }

            await connection.Socket.SendAsync(request.AsMemory(0, bodyAt + length), SocketFlags.None);
            var answer = await connection.ReadAnswerAsync();
            proxy._pool.Add(connection);
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = answer.Length;
            await http.Response.Body.WriteAsync(answer, http.RequestAborted);
        });
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        foreach (var connection in _pool)
        {
            connection.Socket.Dispose();
        }
    }

    private sealed class Connection(Socket socket)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];

        public Socket Socket { get; } = socket;

        public async Task<byte[]> ReadAnswerAsync()
        {
            var received = 0;
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, received).IndexOf("\r\n\r\n"u8)) < 0)
            {
                received += await ReceiveAsync(_buffer.AsMemory(received));
            }

            var length = ContentLength(_buffer.AsSpan(0, headerEnd));
            var answer = new byte[length];
            var have = received - headerEnd - 4;
            _buffer.AsSpan(headerEnd + 4, have).CopyTo(answer);
            while (have < length)
            {
                have += await ReceiveAsync(answer.AsMemory(have));
            }

            return answer;
        }

        private async ValueTask<int> ReceiveAsync(Memory<byte> into)
        {
            var n = await Socket.ReceiveAsync(into, SocketFlags.None);
            return n > 0 ? n : throw new IOException("the backend closed the connection");
        }

        private static int ContentLength(ReadOnlySpan<byte> headers)
        {
            var at = headers.IndexOf("\r\nContent-Length: "u8);
            if (at < 0 || !Utf8Parser.TryParse(headers[(at + 18)..], out int length, out _))
            {
                throw new InvalidDataException("the backend's answer has no Content-Length");
            }

            return length;
        }
    }
}
