using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Moves requests and responses between ASP.NET Core and the host-neutral pipeline types.</summary>
internal static class HttpExchange
{
    // Larger declared lengths are read in chunks as the bytes arrive, so a client cannot make the
    // router allocate a big buffer by claiming a length it never sends.
    private const int ExactReadMaxBytes = 1024 * 1024;

    public static async Task<RouterRequest> ReadAsync(HttpContext http, long maxBodyBytes)
    {
        var length = http.Request.ContentLength;
        if (length > maxBodyBytes)
        {
            throw RouterException.TooLarge($"Request body is {length} bytes; the limit is {maxBodyBytes}.");
        }

        var headers = Headers(http.Request.Headers);
        var route = RouteValues(http.Request.RouteValues);
        if (!HttpMethods.IsPost(http.Request.Method) && !HttpMethods.IsPut(http.Request.Method) && !HttpMethods.IsPatch(http.Request.Method))
        {
            return new RouterRequest(ReadOnlyMemory<byte>.Empty, headers) { RouteValues = route, Method = http.Request.Method };
        }

        if (length is > 0 and <= ExactReadMaxBytes)
        {
            return new RouterRequest(await ReadExactlyAsync(http, (int)length.Value), headers) { RouteValues = route, Method = http.Request.Method };
        }

        using var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted);
                }
                catch (BadHttpRequestException e)
                {
                    throw BodyReadFailed(e);
                }

                if (n == 0)
                {
                    break;
                }

                if (buffer.Length + n > maxBodyBytes)
                {
                    throw RouterException.TooLarge($"Request body is over the limit of {maxBodyBytes} bytes.");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return new RouterRequest(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), headers) { RouteValues = route, Method = http.Request.Method };
    }

    /// <summary>
    /// A body with a declared length is read straight into one array of that size: no pooled chunk held
    /// across awaits and no copy, which matters at high concurrency (Kestrel enforces the length).
    /// </summary>
    private static async Task<byte[]> ReadExactlyAsync(HttpContext http, int length)
    {
        var body = new byte[length];
        try
        {
            await http.Request.Body.ReadExactlyAsync(body, http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            throw BodyReadFailed(e);
        }
        catch (EndOfStreamException)
        {
            throw RouterException.BadRequest("The request body is shorter than its Content-Length.");
        }

        return body;
    }

    private static RouterException BodyReadFailed(BadHttpRequestException e) =>
        e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? RouterException.TooLarge("Request body is over the server's limit.")
            : RouterException.BadRequest("The request body could not be read: " + e.Message);

    /// <summary>Route parameters as strings; the shared empty map when the route has none (the chat path allocates nothing).</summary>
    private static IReadOnlyDictionary<string, string> RouteValues(RouteValueDictionary values)
    {
        if (values.Count == 0)
        {
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        }

        var copy = new Dictionary<string, string>(values.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                copy[name] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }

        return copy;
    }

    public static Dictionary<string, string> Headers(IHeaderDictionary source)
    {
        var headers = new Dictionary<string, string>(source.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in source)
        {
            headers[name.ToLowerInvariant()] = values.ToString();
        }

        return headers;
    }

    public static async Task WriteAsync(HttpContext http, RouterResponse response)
    {
        var r = http.Response;
        r.StatusCode = response.StatusCode;
        r.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            r.Headers[name] = value;
        }

        if (response.StreamBody is { } stream)
        {
            r.Headers.CacheControl = "no-cache";
            r.Headers["x-accel-buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await r.StartAsync(http.RequestAborted);
            try
            {
                await stream(r.Body, http.RequestAborted);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; the upstream call was cancelled with it.
            }

            return;
        }

        r.ContentLength = response.Body.Length;
        await r.Body.WriteAsync(response.Body, http.RequestAborted);
    }
}
