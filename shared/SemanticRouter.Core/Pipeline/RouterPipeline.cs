using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Plugins;
using SemanticRouter.Core.Sessions;
using SemanticRouter.Core.Signals;
using SemanticRouter.Core.Signals.Context;
using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Core.Pipeline;

/// <summary>
/// The request path: parse → signals (referenced ones, concurrently) → decision → model order →
/// plugins → upstream with failover → response plugins. No business logic of its own; hosts call it.
/// </summary>
public sealed partial class RouterPipeline(IRouterSnapshotSource snapshots, UpstreamClient upstream, RouterMetrics? metrics = null, ILogger<RouterPipeline>? logger = null, SessionAffinity? sessions = null)
{
    // Without a listener the meter records nothing, so a pipeline built without DI pays only branches.
    private readonly RouterMetrics _metrics = metrics ?? new RouterMetrics();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public IRouterSnapshotSource Snapshots { get; } = snapshots;

    public async Task<RouterResponse> ChatCompletionsAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var requestId = RequestIds.From(request.Headers);
        RoutingContext? context = null;
        var telemetry = RequestTelemetry.Start(_metrics, _logger, request, requestId);
        try
        {
            var snapshot = Snapshots.Current;
            context = await RouteAsync(snapshot, request, requestId, cancellationToken).ConfigureAwait(false);
            telemetry.Routed(context);
            var interceptors = new List<IResponseInterceptor>();
            if (context.Decision is not null)
            {
                foreach (var plugin in snapshot.Decision(context.Decision.Decision.Name).Plugins)
                {
                    RouterResponse? shortCircuit;
                    using (telemetry.Plugin(plugin.Type))
                    {
                        shortCircuit = await plugin.OnRequestAsync(context, cancellationToken).ConfigureAwait(false);
                    }

                    if (shortCircuit is not null)
                    {
                        Abandon(interceptors);
                        Decorate(shortCircuit, context, null);
                        return telemetry.Complete(shortCircuit, context, null);
                    }

                    if (plugin.CreateResponseInterceptor(context) is { } interceptor)
                    {
                        interceptors.Add(interceptor);
                    }
                }
            }

            var models = new List<UpstreamModel>(context.Candidates.Count);
            foreach (var m in context.Candidates)
            {
                models.Add(snapshot.Model(m.Name)!);
            }

            UpstreamResponse answer;
            RouterResponse response;
            try
            {
                answer = await upstream.SendAsync(context, models, cancellationToken).ConfigureAwait(false);
                if (context.Routed && context.Reasoning is { } reasoning)
                {
                    _metrics.ReasoningDecision(answer.Model.Name, reasoning.MetricLabel, reasoning.Effort);
                }

                response = await UpstreamRelay.CreateAsync(answer, interceptors, snapshot.Config.Global.Upstream.FirstByteTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Abandon(interceptors);
                throw;
            }

            if (response.StatusCode is < 200 or >= 300)
            {
                Abandon(interceptors);
            }
            else if (context.Session is not null && sessions is not null)
            {
                // Only a turn a model answered is remembered: a block or a cache hit never becomes a conversation's choice.
                await sessions.RememberAsync(context, SessionAffinitySettings.From(snapshot.Config), cancellationToken).ConfigureAwait(false);
            }

            Decorate(response, context, answer);
            return telemetry.Complete(response, context, answer);
        }
        catch (RouterException e)
        {
            return Failed(e, telemetry, context, requestId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or a failing dependency (a model that cannot load…) still ends a request in an error: counted in
            // llm_request_errors_total like any other, logged by type only (a message may quote the prompt).
            LogUnexpectedFailure(requestId, e.GetType().Name);
            return Failed(new RouterException(500, "server_error", "internal_error", "The router failed to handle the request.", inner: e), telemetry, context, requestId);
        }
    }

    private static RouterResponse Failed(RouterException e, RequestTelemetry telemetry, RoutingContext? context, string requestId)
    {
        telemetry.Failed(e, context);
        var response = Error(e, requestId);
        if (context is not null)
        {
            Decorate(response, context, null);
            response.Headers[VsrHeaders.ResponsePath] = "error";
        }

        return response;
    }

    /// <summary>Tells response interceptors that no answer will reach them (error status, failure, or a later plugin answered).</summary>
    private static void Abandon(List<IResponseInterceptor> interceptors)
    {
        foreach (var interceptor in interceptors)
        {
            interceptor.OnAbandoned();
        }
    }

    /// <summary>The dry run behind <c>POST /api/v1/explain</c>: routing without plugins or upstream calls.</summary>
    public async Task<RoutingContext> ExplainAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var snapshot = Snapshots.Current;
        var context = await RouteAsync(snapshot, request, RequestIds.From(request.Headers), cancellationToken, forceRouting: true).ConfigureAwait(false);
        return context;
    }

    public static RouterResponse Error(RouterException e, string? requestId = null)
    {
        var response = RouterResponse.Json(e.StatusCode, OpenAIError.Body(e));
        if (requestId is not null)
        {
            response.Headers[VsrHeaders.RequestId] = requestId;
        }

        return response;
    }

    private async Task<RoutingContext> RouteAsync(RouterSnapshot snapshot, RouterRequest request, string requestId, CancellationToken cancellationToken, bool forceRouting = false)
    {
        var config = snapshot.Config;
        if (request.Body.Length > config.Global.Router.MaxBodyBytes)
        {
            throw RouterException.TooLarge($"Request body is {request.Body.Length} bytes; the limit is {config.Global.Router.MaxBodyBytes}.");
        }

        var chat = ChatRequest.Parse(request.Body.Span, config.Global.Router.MaxMessages);
        var routed = forceRouting || snapshot.IsAutoModel(chat.Model);
        if (!routed && snapshot.Model(chat.Model) is null)
        {
            throw RouterException.BadRequest($"model \"{chat.Model}\" is not available. Use one of: {string.Join(", ", config.Global.Router.AutoModelNames.Concat(config.Providers.Models.Select(m => m.Name)))}.", "model", "model_not_found");
        }

        var context = new RoutingContext(requestId, chat, request.Headers, config) { Routed = routed };
        if (!routed)
        {
            context.Candidates = [snapshot.Model(chat.Model)!.Config];
            return context;
        }

        context.Signals = await EvaluateSignalsAsync(snapshot, new SignalContext(chat, request.Headers), cancellationToken).ConfigureAwait(false);
        using (var decisionSpan = RouterActivitySource.Source.StartActivity("router.decision"))
        {
            context.Decision = snapshot.Engine.Select(context.Signals);
            decisionSpan?.SetTag("router.decision", context.Decision?.Decision.Name);
            decisionSpan?.SetTag("router.decision.confidence", context.Decision?.Confidence);
        }

        if (sessions is not null && SessionAffinitySettings.From(config) is { Enabled: true } affinity)
        {
            context.Session = await sessions.ResolveAsync(snapshot, context, affinity, cancellationToken, dryRun: forceRouting).ConfigureAwait(false);
        }

        var refs = context.Decision is null ? [] : snapshot.Decision(context.Decision.Decision.Name).Selector.Order(context);
        var candidates = new List<ModelConfig>(refs.Count + 1);
        if (context.Session is { Sticky: true, Stored.Record.Model: var sticky })
        {
            // The sticky model first, then the decision's other choices as fallbacks in the selector's order.
            var reordered = new List<ModelRefConfig>(refs.Count);
            candidates.Add(snapshot.Model(sticky)!.Config);
            foreach (var r in refs)
            {
                if (r.Model == sticky)
                {
                    reordered.Insert(0, r);
                }
                else
                {
                    reordered.Add(r);
                    candidates.Add(snapshot.Model(r.Model)!.Config);
                }
            }

            refs = reordered;
        }
        else
        {
            foreach (var r in refs)
            {
                candidates.Add(snapshot.Model(r.Model)!.Config);
            }
        }

        context.ModelRefs = refs;

        if (candidates.Count == 0 && config.Providers.DefaultModel is { } fallback)
        {
            candidates.Add(snapshot.Model(fallback)!.Config);
        }

        context.Candidates = candidates;
        return context;
    }

    private async Task<SignalResults> EvaluateSignalsAsync(RouterSnapshot snapshot, SignalContext signalContext, CancellationToken cancellationToken)
    {
        var evaluators = snapshot.Evaluators;
        if (evaluators.Count == 0)
        {
            return SignalResults.Empty;
        }

        // Start every evaluator before awaiting any, so slow (model-backed) signals overlap.
        var pending = new ValueTask<IReadOnlyList<SignalMatch>>[evaluators.Count];
        for (var i = 0; i < evaluators.Count; i++)
        {
            pending[i] = RequestTelemetry.EvaluateSignalAsync(evaluators[i], signalContext, _metrics, cancellationToken);
        }

        var perEvaluator = new IReadOnlyList<SignalMatch>[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            perEvaluator[i] = await pending[i].ConfigureAwait(false);
        }

        // Composers (complexity's composer) see every other signal's result, so they run once all have finished.
        return SignalComposition.Apply(evaluators, perEvaluator);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly: {ExceptionType}")]
    private partial void LogUnexpectedFailure(string requestId, string exceptionType);

    private static void Decorate(RouterResponse response, RoutingContext context, UpstreamResponse? answer)
    {
        var h = response.Headers;
        h[VsrHeaders.RequestId] = context.RequestId;
        var model = answer?.Model.Name ?? context.SelectedModel?.Name;
        if (model is not null && !h.ContainsKey(VsrHeaders.SelectedModel))
        {
            h[VsrHeaders.SelectedModel] = model;
        }

        if (context.Decision is { } decision)
        {
            h[VsrHeaders.SelectedDecision] = decision.Decision.Name;
            h[VsrHeaders.SelectedConfidence] = VsrHeaders.Confidence(decision.Confidence);
        }

        if (answer is not null && context.Reasoning?.Header is { } reasoning)
        {
            h[VsrHeaders.SelectedReasoning] = reasoning;
            if (context.Reasoning.Effort is { } effort)
            {
                h[VsrHeaders.SelectedReasoningEffort] = effort;
            }
        }

        if (context.Session is { Sticky: true })
        {
            h[VsrHeaders.SessionSticky] = "true";
        }

        h.TryAdd(VsrHeaders.ResponsePath, "upstream");
        if (context.ResponseHeadersIfAny is { } added)
        {
            foreach (var (name, value) in added)
            {
                h[name] = value;
            }
        }

        if (!context.Debug)
        {
            return;
        }

        foreach (var group in context.Signals.All.Where(s => s.Matched).GroupBy(s => s.Type))
        {
            h[VsrHeaders.Matched(group.Key)] = string.Join(',', group.Select(s => s.Name));
        }

        h[VsrHeaders.ContextTokenCount] = TokenEstimator.Estimate(context.Request.Messages).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (context.SystemPromptInjected)
        {
            h[VsrHeaders.InjectedSystemPrompt] = "true";
        }

        if (answer is not null)
        {
            h[VsrHeaders.UpstreamAttempts] = string.Join(", ", answer.Attempts);
            h[VsrHeaders.DestinationEndpoint] = answer.Backend.Name;
        }
    }
}
