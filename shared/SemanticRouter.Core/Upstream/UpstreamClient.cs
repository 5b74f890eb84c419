using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Anthropic;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Reasoning;

namespace SemanticRouter.Core.Upstream;

/// <summary>
/// Sends a routed request upstream with bounded failover: on a connect failure, a timeout before
/// the response headers, or a 5xx/429 answer (as the model's <c>reliability.retry_on</c> allows), it tries the
/// model's other backends in rotation and then the next candidate model, within the request's time budget and
/// attempt limit. Every outcome feeds the model's passive outlier detection. Once headers of a usable
/// answer arrive the choice is final (the body is never replayed elsewhere).
/// </summary>
public sealed partial class UpstreamClient(HttpMessageInvoker invoker, ILogger<UpstreamClient> logger, RouterMetrics? metrics = null)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>Creates the one pooled handler all upstream calls share.</summary>
    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = connectTimeout,
        MaxConnectionsPerServer = 1024,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        EnableMultipleHttp2Connections = true,
    };

    public async Task<UpstreamResponse> SendAsync(RoutingContext context, IReadOnlyList<UpstreamModel> candidates, CancellationToken cancellationToken)
    {
        var settings = context.Config.Global.Upstream;
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.RequestBudget.TotalSeconds * Stopwatch.Frequency);
        var attempts = new List<UpstreamAttempt>(2);
        var sawTimeout = false;
        // Set when an attempt's timer was the budget's and fired: the timer can fire a few milliseconds before the
        // clock reaches the deadline, which would otherwise let one more attempt start with nothing left to spend.
        var budgetSpent = false;

        var stop = false;
        foreach (var model in candidates)
        {
            if (budgetSpent || stop)
            {
                break;
            }

            // A modelRef's lora_name names the adapter the server serves under its own model name.
            context.Request.Body["model"] = context.ModelRefFor(model.Name)?.LoraName ?? model.Config.ProviderModelId;
            var body = ReasoningMode.Serialize(context, model.Config);
            var anthropic = model.Config.ApiFormat == ApiFormat.Anthropic;
            if (anthropic)
            {
                body = AnthropicBackendRequest.FromChat(body);
            }

            foreach (var backend in model.OrderForRequest())
            {
                var started = Stopwatch.GetTimestamp();
                if (attempts.Count >= settings.MaxAttempts || budgetSpent || started >= deadline)
                {
                    break;
                }

                var (response, timeout, outcome) = await TryOnceAsync(context, model, backend, body, deadline, cancellationToken).ConfigureAwait(false);
                var attempt = new UpstreamAttempt(model.Name, backend.Name, outcome, Stopwatch.GetElapsedTime(started));
                attempts.Add(attempt);
                metrics?.UpstreamAttempt(model.Name, backend.Name, outcome);
                if (model.RecordOutcome(backend, outcome) is { } ejectedFor)
                {
                    metrics?.BackendEjected(model.Name, backend.Name, "consecutive_failures");
                    LogEjected(model.Name, backend.Name, model.Reliability.Consecutive5xx, outcome, (long)ejectedFor.TotalSeconds);
                }

                if (response is not null)
                {
                    if (anthropic)
                    {
                        // Translated back here, before the relay: plugins, cache and metrics see a chat answer.
                        AnthropicAnswerContent.Adapt(response, IncludeUsage(context));
                    }

                    return new UpstreamResponse(response, model, backend, attempts, timeout);
                }

                budgetSpent = outcome == "budget_exhausted";
                sawTimeout |= outcome is "timeout" || budgetSpent;
                LogAttemptFailed(context.RequestId, model.Name, backend.Name, outcome, (long)attempt.Elapsed.TotalMilliseconds);
                if (!model.ShouldRetry(outcome))
                {
                    // retry_on excludes this failure: no further tries, on this model or the next.
                    stop = true;
                    break;
                }
            }
        }

        var summary = string.Join(", ", attempts);
        LogExhausted(context.RequestId, attempts.Count);
        // The clock only moves forward: a budget that stopped the loop is still spent here.
        if (sawTimeout || Stopwatch.GetTimestamp() >= deadline)
        {
            throw new RouterException(504, "upstream_error", "upstream_timeout", $"No backend answered in time ({attempts.Count} attempts: {summary}).");
        }

        throw new RouterException(502, "upstream_error", "upstream_unavailable", $"Every backend failed ({attempts.Count} attempts: {summary}).");
    }

    /// <summary>
    /// One attempt, bounded by the model's first-byte timeout and what is left of the request budget. A usable
    /// answer keeps its token source: the relay re-arms it as the idle timeout of body reads, so a request pays
    /// for one linked source and one timer.
    /// </summary>
    private async Task<(HttpResponseMessage? Response, CancellationTokenSource? Timeout, string Outcome)> TryOnceAsync(RoutingContext context, UpstreamModel model, UpstreamBackend backend, byte[] body, long deadline, CancellationToken clientToken)
    {
        var firstByte = model.Config.Timeout ?? context.Config.Global.Upstream.FirstByteTimeout;
        // Clamped: the deadline can pass between the caller's check and here, and CancelAfter refuses negative delays.
        var left = TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).Ticks));
        var budgetBound = left < firstByte;
        var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(clientToken);
        attemptCts.CancelAfter(budgetBound ? left : firstByte);
        var keep = false;
        using var activity = RouterActivitySource.Source.StartActivity("router.upstream", ActivityKind.Client);
        activity?.SetTag("router.upstream.model", model.Name);
        activity?.SetTag("router.upstream.backend", backend.Name);
        using var request = BuildRequest(context, backend, body, model.Config.ApiFormat == ApiFormat.Anthropic);
        backend.Health.RequestStarted();
        try
        {
            var response = await invoker.SendAsync(request, attemptCts.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (status < 500 && status != 429)
            {
                // The first-byte timer is done; the relay arms the idle timeout before each body read.
                attemptCts.CancelAfter(Timeout.InfiniteTimeSpan);
                keep = true;
                return (response, attemptCts, StatusText(status));
            }

            response.Dispose();
            return (null, null, StatusText(status));
        }
        catch (OperationCanceledException) when (clientToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return (null, null, budgetBound ? "budget_exhausted" : "timeout");
        }
        catch (HttpRequestException e)
        {
            return (null, null, e.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connect_error",
                HttpRequestError.NameResolutionError => "dns_error",
                _ => "transport_error",
            });
        }
        finally
        {
            backend.Health.RequestFinished();
            if (!keep)
            {
                attemptCts.Dispose();
            }
        }
    }

    private static bool IncludeUsage(RoutingContext context) =>
        context.Request.Body["stream_options"] is System.Text.Json.Nodes.JsonObject o && o["include_usage"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<bool>(out var include) && include;

    private static string StatusText(int status) => status switch
    {
        200 => "200",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The <c>anthropic-version</c> sent to Anthropic-format backends.</summary>
    public const string AnthropicVersion = "2023-06-01";

    private static HttpRequestMessage BuildRequest(RoutingContext context, UpstreamBackend backend, byte[] body, bool anthropic)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, backend.RequestUri)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = JsonContentType;
        var headers = request.Headers;
        headers.TryAddWithoutValidation("accept", context.Request.Stream ? Sse.ContentType : "application/json");
        headers.TryAddWithoutValidation("x-request-id", context.RequestId);
        if (backend.AuthHeaderValue is not null)
        {
            headers.TryAddWithoutValidation(backend.Config.AuthHeader, backend.AuthHeaderValue);
        }

        if (anthropic)
        {
            // The API version the translation speaks; extra_headers below may pin another.
            headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
        }

        foreach (var (name, value) in backend.Config.ExtraHeaders)
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }

        if (context.UpstreamHeaderMutationsIfAny is { } mutations)
        {
            foreach (var (name, value) in mutations)
            {
                headers.Remove(name);
                if (value is not null)
                {
                    headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        UpstreamTraceContext.Inject(request, context.Headers);
        return request;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream attempt failed: request {RequestId} model {Model} backend {Backend} outcome {Outcome} after {ElapsedMs} ms")]
    private partial void LogAttemptFailed(string requestId, string model, string backend, string outcome, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ejected backend {Backend} of model {Model} after {Failures} consecutive failures (last: {Outcome}) for {Seconds} s")]
    private partial void LogEjected(string model, string backend, int failures, string outcome, long seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "All upstream attempts failed for request {RequestId} ({Attempts} attempts)")]
    private partial void LogExhausted(string requestId, int attempts);
}
