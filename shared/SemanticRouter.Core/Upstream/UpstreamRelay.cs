using System.Buffers;
using System.Text;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Core.Upstream;

/// <summary>
/// Turns an upstream answer into the client response. Streams are passed through event by event
/// (flushed as they arrive, never buffered whole); a stream that breaks or stalls ends with an
/// OpenAI-style error event instead of hanging. Non-streaming answers are read whole so response
/// plugins can see them.
/// </summary>
public static class UpstreamRelay
{
    private const int MaxBufferedBody = 64 * 1024 * 1024;

    public static async Task<RouterResponse> CreateAsync(UpstreamResponse upstream, IReadOnlyList<IResponseInterceptor> interceptors, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var status = upstream.StatusCode;
        var mediaType = upstream.Message.Content.Headers.ContentType?.MediaType;
        if (status is >= 200 and < 300 && string.Equals(mediaType, Sse.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return new RouterResponse
            {
                StatusCode = status,
                ContentType = Sse.ContentType,
                StreamBody = interceptors.Count == 0
                    ? (client, ct) => CopyRawAsync(upstream, client, idleTimeout, ct)
                    : (client, ct) => RelayEventsAsync(upstream, client, interceptors, idleTimeout, ct),
            };
        }

        byte[] body;
        using (upstream)
        {
            try
            {
                body = await ReadBodyAsync(upstream, idleTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new RouterException(502, "upstream_error", "upstream_body_failed", "The backend failed while sending its answer.", inner: e);
            }
        }

        if (status is >= 200 and < 300)
        {
            foreach (var interceptor in interceptors)
            {
                body = await interceptor.OnResponseAsync(status, body, cancellationToken).ConfigureAwait(false) ?? body;
            }
        }

        return new RouterResponse { StatusCode = status, Body = body, ContentType = upstream.Message.Content.Headers.ContentType?.ToString() ?? "application/json" };
    }

    /// <summary>Reads a whole answer; each read is bounded by the idle timeout on the attempt's own token source (linked to the client's).</summary>
    private static async Task<byte[]> ReadBodyAsync(UpstreamResponse upstream, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var content = upstream.Message.Content;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (content.Headers.ContentLength is > 0 and < MaxBufferedBody and var length)
        {
            return await ReadExactlyAsync(stream, (int)length, upstream, idleTimeout).ConfigureAwait(false);
        }

        using var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(chunk, upstream.ArmReadTimeout(idleTimeout)).ConfigureAwait(false);
                if (n == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + n > MaxBufferedBody)
                {
                    throw new IOException("upstream body exceeds the buffering limit");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>A body of known length goes straight into its final array (no pooled chunk, no copy).</summary>
    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length, UpstreamResponse upstream, TimeSpan idleTimeout)
    {
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(body.AsMemory(read), upstream.ArmReadTimeout(idleTimeout)).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("upstream body ended before its Content-Length");
            }

            read += n;
        }

        return body;
    }

    private static async Task CopyRawAsync(UpstreamResponse upstream, Stream client, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var _ = upstream;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var stream = await upstream.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                cts.CancelAfter(idleTimeout);
                var n = await stream.ReadAsync(chunk, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await client.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                await client.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsUpstreamFailure(e, cancellationToken))
        {
            await WriteStreamErrorAsync(client, e, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task RelayEventsAsync(UpstreamResponse upstream, Stream client, IReadOnlyList<IResponseInterceptor> interceptors, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var _ = upstream;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var completed = false;
        var ended = false;
        try
        {
            await using var stream = await upstream.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
            var pending = new StringBuilder();
            while (true)
            {
                cts.CancelAfter(idleTimeout);
                var line = await reader.ReadLineAsync(cts.Token).ConfigureAwait(false);
                if (line is null)
                {
                    break;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    var data = line.AsSpan(5).TrimStart(' ').ToString();
                    if (data == "[DONE]")
                    {
                        // Interceptors finish before the client sees [DONE]: a durable hand-off (HaluGate's audit)
                        // is done by the time the client knows the answer is complete.
                        completed = true;
                        ended = true;
                        await EndStreamAsync(interceptors, !cancellationToken.IsCancellationRequested).ConfigureAwait(false);
                        pending.Append("data: [DONE]\n");
                        continue;
                    }

                    foreach (var interceptor in interceptors)
                    {
                        data = interceptor.OnStreamEvent(data);
                    }

                    pending.Append("data: ").Append(data).Append('\n');
                    continue;
                }

                pending.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    await client.WriteAsync(Encoding.UTF8.GetBytes(pending.ToString()), cancellationToken).ConfigureAwait(false);
                    await client.FlushAsync(cancellationToken).ConfigureAwait(false);
                    pending.Clear();
                }
            }

            if (pending.Length > 0)
            {
                await client.WriteAsync(Encoding.UTF8.GetBytes(pending.Append('\n').ToString()), cancellationToken).ConfigureAwait(false);
                await client.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsUpstreamFailure(e, cancellationToken))
        {
            completed = false;
            await WriteStreamErrorAsync(client, e, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ended)
            {
                await EndStreamAsync(interceptors, completed && !cancellationToken.IsCancellationRequested).ConfigureAwait(false);
            }
        }
    }

    private static async Task EndStreamAsync(IReadOnlyList<IResponseInterceptor> interceptors, bool completed)
    {
        foreach (var interceptor in interceptors)
        {
            await interceptor.OnStreamEndAsync(completed, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static bool IsUpstreamFailure(Exception e, CancellationToken clientToken) =>
        !clientToken.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException;

    private static async Task WriteStreamErrorAsync(Stream client, Exception e, CancellationToken cancellationToken)
    {
        var (message, code) = e is OperationCanceledException
            ? ("The backend stopped sending data (stream idle timeout).", "upstream_stream_timeout")
            : ("The backend connection failed mid-stream.", "upstream_stream_failed");
        try
        {
            await client.WriteAsync(Encoding.UTF8.GetBytes("\n"), cancellationToken).ConfigureAwait(false);
            await Sse.WriteEventAsync(client, Sse.ErrorEvent(message, "upstream_error", code), cancellationToken).ConfigureAwait(false);
            await client.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client is gone too; nothing left to tell.
        }
    }
}
