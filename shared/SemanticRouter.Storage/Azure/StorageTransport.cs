using System.Net;
using System.Xml;
using Polly;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Sends storage requests: stamps date and version, authorizes, and turns failures into
/// <see cref="StorageRequestException"/>. Requests are rebuilt for every attempt because an
/// HttpRequestMessage cannot be sent twice and its signature covers the date.
/// </summary>
internal sealed class StorageTransport(HttpClient httpClient, IStorageAuthorizer authorizer, StorageRetryOptions retryOptions, TimeProvider timeProvider)
{
    public const string ServiceVersion = "2025-01-05";
    private const int MaxErrorBodyChars = 16 * 1024;

    public ResiliencePipeline RequestPipeline { get; } = StorageResilience.BuildRequestPipeline(retryOptions);

    public ResiliencePipeline TransferPipeline { get; } = StorageResilience.BuildTransferPipeline(retryOptions);

    /// <summary>Sends with retries; <paramref name="accept"/> marks non-2xx statuses the caller handles itself (404, 409, 304).</summary>
    public Task<HttpResponseMessage> SendAsync(StorageRequest request, Func<HttpStatusCode, bool>? accept, CancellationToken cancellationToken) =>
        WrapTransportErrors(request, () => RequestPipeline.ExecuteAsync(
            async token => await SendOnceAsync(request, accept, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false),
            cancellationToken).AsTask());

    /// <summary>One attempt, no retry; the caller wraps it in a pipeline (downloads resume between attempts).</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(StorageRequest storageRequest, Func<HttpStatusCode, bool>? accept, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = storageRequest.Build();
        request.Headers.TryAddWithoutValidation("x-ms-date", timeProvider.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-ms-version", ServiceVersion);
        await authorizer.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await httpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (accept?.Invoke(response.StatusCode) ?? false))
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Turns what is left after retries (connection refused, reset, timeout) into the one storage exception type.</summary>
    public static async Task<T> WrapTransportErrors<T>(StorageRequest request, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new StorageRequestException(request.Method.Method, request.Uri.AbsolutePath, null, null, null, e.Message, e);
        }
    }

    public static string PathOf(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "?";

    private static async Task<StorageRequestException> ToExceptionAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errorCode = Header(response, "x-ms-error-code");
        var requestId = Header(response, "x-ms-request-id");
        string? detail = null;
        if (request.Method != HttpMethod.Head)
        {
            try
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                (var code, detail) = ParseError(body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body);
                errorCode ??= code;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                detail = null;
            }
        }

        return new StorageRequestException(request.Method.Method, PathOf(request), response.StatusCode, errorCode, requestId, detail);
    }

    internal static (string? Code, string? Message) ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var document = new XmlDocument { XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            document.Load(reader);
            var code = document.SelectSingleNode("/Error/Code")?.InnerText;
            var message = document.SelectSingleNode("/Error/Message")?.InnerText;

            // The service appends RequestId/Time lines to the message; keep the first, human line.
            return (code, message?.Split('\n')[0].Trim());
        }
        catch (XmlException)
        {
            return (null, null);
        }
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
