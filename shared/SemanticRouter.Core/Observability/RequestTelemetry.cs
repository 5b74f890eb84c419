using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Signals;
using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// Metrics, the request span and the request log line for one chat completion. The pipeline calls
/// it at each stage; for a streaming answer the span and latency end when the stream ends, so
/// <see cref="Complete"/> hands the end over to the response's body writer.
/// </summary>
public sealed partial class RequestTelemetry
{
    private readonly RouterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _requestId;
    private readonly long _started = Stopwatch.GetTimestamp();
    private Activity? _activity;

    private RequestTelemetry(RouterMetrics metrics, ILogger logger, string requestId, Activity? activity)
    {
        _metrics = metrics;
        _logger = logger;
        _requestId = requestId;
        _activity = activity;
    }

    /// <summary>Starts the request span (child of the caller's W3C <c>traceparent</c> when no span is current).</summary>
    public static RequestTelemetry Start(RouterMetrics metrics, ILogger logger, RouterRequest request, string requestId)
    {
        Activity? activity = null;
        if (RouterActivitySource.Source.HasListeners())
        {
            ActivityContext parent = default;
            if (Activity.Current is null && request.Headers.TryGetValue("traceparent", out var traceparent))
            {
                request.Headers.TryGetValue("tracestate", out var tracestate);
                ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out parent);
            }

            activity = RouterActivitySource.Source.StartActivity("router.chat_completions", ActivityKind.Server, parent);
            activity?.SetTag("router.request_id", requestId);
        }

        return new RequestTelemetry(metrics, logger, requestId, activity);
    }

    /// <summary>Times one signal evaluator (metric per signal kind, span per evaluation).</summary>
    public static async ValueTask<IReadOnlyList<SignalMatch>> EvaluateSignalAsync(ISignalEvaluator evaluator, SignalContext context, RouterMetrics metrics, CancellationToken cancellationToken)
    {
        using var activity = RouterActivitySource.Source.StartActivity("router.signal");
        activity?.SetTag("router.signal.type", evaluator.Type);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await evaluator.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            metrics.SignalLatency(evaluator.Type, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Routing is done: records its latency and the matched decision.</summary>
    public void Routed(RoutingContext context)
    {
        _metrics.RoutingLatency(Stopwatch.GetElapsedTime(_started));
        if (context.Decision is { } decision)
        {
            _metrics.DecisionMatched(decision.Decision.Name);
        }

        if (_activity is { } a)
        {
            a.SetTag("gen_ai.request.model", context.Request.Model);
            a.SetTag("router.routed", context.Routed);
            a.SetTag("router.decision", context.Decision?.Decision.Name);
            a.SetTag("router.selected_model", context.SelectedModel?.Name);
        }

        if (context.Config.Global.Extensions.Count > 0 && ObservabilitySettings.From(context.Config).LogPrompts)
        {
            // Opt-in debugging aid only (global.services.observability.logging.log_prompts).
            LogPrompt(_requestId, context.Request.LastUserText);
        }
    }

    /// <summary>Starts timing a plugin's request phase; dispose the result when it returns.</summary>
    public PluginTiming Plugin(string type) => new(_metrics, type, RouterActivitySource.Source.StartActivity("router.plugin"));

    /// <summary>
    /// Records the outcome. A buffered answer is accounted now; a streaming one gets a body writer
    /// that accounts (first byte, usage, latency, span end) when the stream finishes.
    /// </summary>
    public RouterResponse Complete(RouterResponse response, RoutingContext context, UpstreamResponse? answer)
    {
        var model = answer?.Model.Name ?? context.SelectedModel?.Name ?? "none";
        if (answer is not null)
        {
            _metrics.Request(model);
        }

        PolicyOutcomes.Record(_metrics, response, context, shortCircuited: answer is null);

        if (response.StatusCode >= 400)
        {
            _metrics.Error(model, "http_" + response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (response.StreamBody is not { } body)
        {
            if (answer is not null && response.StatusCode is >= 200 and < 300 && TokenUsage.FromJson(response.Body.Span) is { } usage)
            {
                RecordUsage(answer, usage);
            }

            Finish(model, response.StatusCode, answer is null ? null : Stopwatch.GetElapsedTime(_started), null);
            return response;
        }

        return WithStreamAccounting(response, body, answer, model);
    }

    // Separate from Complete so the closure's captures are allocated only for streams, not for every answer.
    private RouterResponse WithStreamAccounting(RouterResponse response, Func<Stream, CancellationToken, Task> body, UpstreamResponse? answer, string model)
    {
        var streamed = new RouterResponse
        {
            StatusCode = response.StatusCode,
            ContentType = response.ContentType,
            StreamBody = async (client, ct) =>
            {
                var observed = new ObservedStream(client);
                try
                {
                    await body(observed, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (answer is not null && TokenUsage.FromSseTail(observed.Tail) is { } usage)
                    {
                        RecordUsage(answer, usage);
                    }

                    TimeSpan? ttft = observed.FirstWriteTimestamp == 0 ? null : Stopwatch.GetElapsedTime(_started, observed.FirstWriteTimestamp);
                    Finish(model, response.StatusCode, Stopwatch.GetElapsedTime(_started), ttft);
                }
            },
        };
        foreach (var (name, value) in response.Headers)
        {
            streamed.Headers[name] = value;
        }

        return streamed;
    }

    /// <summary>The request failed with a client-safe error (bad request, all backends down…).</summary>
    public void Failed(RouterException e, RoutingContext? context)
    {
        var model = context?.SelectedModel?.Name ?? "none";
        _metrics.Error(model, e.Code);
        _activity?.SetStatus(ActivityStatusCode.Error, e.Code);
        _activity?.SetTag("error.type", e.Code);
        Finish(model, e.StatusCode, null, null);
    }

    private void RecordUsage(UpstreamResponse answer, TokenUsage usage)
    {
        _metrics.Usage(answer.Model.Name, usage.PromptTokens, usage.CompletionTokens, answer.Model.Config.Pricing, usage.CachedPromptTokens);
        _activity?.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
        _activity?.SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens);
    }

    private void Finish(string model, int status, TimeSpan? completion, TimeSpan? ttft)
    {
        if (completion is { } c)
        {
            _metrics.CompletionLatency(model, c);
        }

        if (ttft is { } t)
        {
            _metrics.TimeToFirstToken(model, t);
        }

        var elapsed = Stopwatch.GetElapsedTime(_started);
        LogCompleted(_requestId, model, status, (long)elapsed.TotalMilliseconds);
        if (Interlocked.Exchange(ref _activity, null) is { } activity)
        {
            activity.SetTag("http.response.status_code", status);
            activity.SetTag("gen_ai.response.model", model);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} answered by {Model} with {Status} in {ElapsedMs} ms")]
    private partial void LogCompleted(string requestId, string model, int status, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} prompt (log_prompts is on): {Prompt}")]
    private partial void LogPrompt(string requestId, string prompt);
}
