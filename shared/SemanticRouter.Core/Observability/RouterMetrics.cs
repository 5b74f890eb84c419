using System.Diagnostics.Metrics;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// The router's metrics on one <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <c>SemanticRouter</c>, with the anchor's (vLLM Semantic Router) instrument names. Features call
/// the small methods below; exporters (GET /metrics, OpenTelemetry) listen to the meter. Label
/// values are config names and fixed reason codes only — never prompt text, user or tenant ids.
/// Recording with no listener attached is a few branches, so callers need not check anything.
/// </summary>
public sealed class RouterMetrics : IDisposable
{
    public const string MeterName = "SemanticRouter";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _completionLatency;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _routingLatency;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _completionTokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _decisionMatches;
    private readonly Histogram<double> _signalLatency;
    private readonly Histogram<double> _pluginLatency;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _piiViolations;
    private readonly Counter<long> _jailbreakBlocks;
    private readonly Counter<long> _blocked;
    private readonly Counter<long> _upstreamAttempts;
    private readonly Counter<long> _ejections;
    private Func<IEnumerable<(string Model, string Backend, bool InRotation)>>? _backends;
    private readonly Counter<long> _queueMessages;
    private readonly Counter<long> _audits;
    private readonly Counter<long> _auditHandOffs;
    private Func<long>? _auditJournalBacklog;
    private readonly Counter<long> _feedback;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _reasoning;
    private readonly Counter<long> _sessions;
    private readonly bool _ownsMeter;

    /// <param name="factory">The host's meter factory (scopes the meter to one app, e.g. per test host); null creates a standalone meter.</param>
    public RouterMetrics(IMeterFactory? factory = null)
    {
        _ownsMeter = factory is null;
        Meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        var routing = new InstrumentAdvice<double> { HistogramBucketBoundaries = MetricBuckets.Routing };
        var completion = new InstrumentAdvice<double> { HistogramBucketBoundaries = MetricBuckets.Completion };

        _requests = Meter.CreateCounter<long>("llm_model_requests_total", description: "Chat completion requests sent upstream, by the model that answered (or was chosen).");
        _errors = Meter.CreateCounter<long>("llm_request_errors_total", description: "Requests that ended in an error, by model and reason code.");
        _completionLatency = Meter.CreateHistogram("llm_model_completion_latency_seconds", "s", "Time from request arrival to the last byte of the answer.", null, completion);
        _ttft = Meter.CreateHistogram("llm_model_ttft_seconds", "s", "Time from request arrival to the first byte of the answer sent to the client.", null, completion);
        _routingLatency = Meter.CreateHistogram("llm_model_routing_latency_seconds", "s", "Time spent parsing, extracting signals and choosing a decision and model.", null, routing);
        _promptTokens = Meter.CreateCounter<long>("llm_model_prompt_tokens_total", description: "Prompt tokens reported by the backend's usage.");
        _completionTokens = Meter.CreateCounter<long>("llm_model_completion_tokens_total", description: "Completion tokens reported by the backend's usage.");
        _cost = Meter.CreateCounter<double>("llm_model_cost_total", description: "Cost from usage and the model's configured pricing.");
        _decisionMatches = Meter.CreateCounter<long>("llm_decision_match_total", description: "Routed requests by the decision that matched.");
        _signalLatency = Meter.CreateHistogram("llm_signal_extraction_latency_seconds", "s", "Time to evaluate one signal kind for a request.", null, routing);
        _pluginLatency = Meter.CreateHistogram("llm_plugin_execution_latency_seconds", "s", "Time one plugin's request phase took.", null, routing);
        _cacheHits = Meter.CreateCounter<long>("llm_cache_hits_total", description: "Semantic cache hits, by decision.");
        _cacheMisses = Meter.CreateCounter<long>("llm_cache_misses_total", description: "Semantic cache misses, by decision.");
        _piiViolations = Meter.CreateCounter<long>("llm_pii_violations_total", description: "PII found that a decision's policy does not allow, by PII type.");
        _jailbreakBlocks = Meter.CreateCounter<long>("llm_jailbreak_blocks_total", description: "Requests blocked as jailbreak attempts.");
        _blocked = Meter.CreateCounter<long>("llm_requests_blocked_total", description: "Requests answered without an upstream call because a policy blocked them, by reason.");
        _upstreamAttempts = Meter.CreateCounter<long>("llm_upstream_attempts_total", description: "Tries at upstream backends, by model, backend and outcome (HTTP status or failure kind).");
        _ejections = Meter.CreateCounter<long>("llm_upstream_ejections_total", description: "Backends taken out of rotation, by model, backend and reason (consecutive_failures, health_check).");
        Meter.CreateObservableGauge("llm_upstream_backend_in_rotation", ObserveBackends, description: "1 while a backend takes traffic, 0 while it is ejected or failing its health check.");
        _queueMessages = Meter.CreateCounter<long>("llm_queue_messages_total", description: "Queue messages handled, by queue and outcome.");
        _audits = Meter.CreateCounter<long>("llm_halugate_audits_total", description: "HaluGate hallucination audits, by result.");
        _auditHandOffs = Meter.CreateCounter<long>("llm_halugate_audit_handoffs_total", description: "Audit messages handed off on the response path, by outcome (journaled, queued, deferred) and fallback (none, journal_full, journal_failed).");
        Meter.CreateObservableGauge("llm_halugate_audit_journal_backlog", () => _auditJournalBacklog?.Invoke() ?? 0, description: "Audit messages in this instance's journal that are not on the queue yet.");
        _feedback = Meter.CreateCounter<long>("llm_feedback_ratings_total", description: "User feedback ratings ingested, by model and rating kind.");
        _authFailures = Meter.CreateCounter<long>("llm_auth_failures_total", description: "Requests refused by API-key authentication or authorization, by reason.");
        _rateLimited = Meter.CreateCounter<long>("llm_rate_limited_total", description: "Requests refused by a per-key rate limit, by limit kind.");
        _reasoning = Meter.CreateCounter<long>("llm_reasoning_decisions_total", description: "Routed requests sent upstream, by the model that answered, reasoning mode (on, off, client, no_family, not_set) and effort written.");
        _sessions = Meter.CreateCounter<long>("llm_session_affinity_total", description: "Session affinity per routed turn and per store write, by outcome (new, kept, priority_override, margin_switch, store_unavailable, write_conflict, write_failed) and store.");
    }

    public Meter Meter { get; }

    /// <summary>Session affinity's outcome for one turn, or a write that lost a race or failed.</summary>
    public void SessionAffinity(string outcome, string store) =>
        _sessions.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("store", store));

    public void Request(string model) => _requests.Add(1, new KeyValuePair<string, object?>("model", model));

    public void Error(string model, string reason) =>
        _errors.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("reason", reason));

    public void CompletionLatency(string model, TimeSpan elapsed) => _completionLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void TimeToFirstToken(string model, TimeSpan elapsed) => _ttft.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void RoutingLatency(TimeSpan elapsed) => _routingLatency.Record(elapsed.TotalSeconds);

    public bool RoutingLatencyEnabled => _routingLatency.Enabled;

    /// <summary>Token usage of one answer; cost too when the model has pricing.</summary>
    public void Usage(string model, long promptTokens, long completionTokens, Config.PricingConfig? pricing, long cachedPromptTokens = 0)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _promptTokens.Add(promptTokens, tag);
        _completionTokens.Add(completionTokens, tag);
        if (pricing is not null)
        {
            _cost.Add(pricing.Cost(promptTokens, cachedPromptTokens, completionTokens), tag, new KeyValuePair<string, object?>("currency", pricing.Currency));
        }
    }

    public void DecisionMatched(string decision) => _decisionMatches.Add(1, new KeyValuePair<string, object?>("decision", decision));

    public void SignalLatency(string signal, TimeSpan elapsed) => _signalLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("signal", signal));

    public void PluginLatency(string plugin, TimeSpan elapsed) => _pluginLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("plugin", plugin));

    public void CacheHit(string decision) => _cacheHits.Add(1, new KeyValuePair<string, object?>("decision", decision));

    public void CacheMiss(string decision) => _cacheMisses.Add(1, new KeyValuePair<string, object?>("decision", decision));

    /// <summary>One PII finding the policy does not allow; <paramref name="piiType"/> is the entity type (EMAIL, PHONE…), never the value.</summary>
    public void PiiViolation(string piiType) => _piiViolations.Add(1, new KeyValuePair<string, object?>("pii_type", piiType));

    public void JailbreakBlocked()
    {
        _jailbreakBlocks.Add(1);
        RequestBlocked("jailbreak");
    }

    /// <summary>A request answered by a policy instead of a backend (jailbreak, pii, block, auth, rate_limit…).</summary>
    public void RequestBlocked(string reason) => _blocked.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A routed request that reached a backend, by the reasoning mode written for the model that answered.</summary>
    public void ReasoningDecision(string model, string reasoning, string? effort) =>
        _reasoning.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("reasoning", reasoning), new KeyValuePair<string, object?>("effort", effort ?? "none"));

    public void UpstreamAttempt(string model, string backend, string outcome) =>
        _upstreamAttempts.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A backend taken out of rotation; <paramref name="reason"/> is consecutive_failures or health_check.</summary>
    public void BackendEjected(string model, string backend, string reason) =>
        _ejections.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Where the backend-rotation gauge reads from (the active config's backends); set once by the host.</summary>
    public void ObserveUpstreamBackends(Func<IEnumerable<(string Model, string Backend, bool InRotation)>> source) => _backends = source;

    /// <summary>A queue message handled; <paramref name="outcome"/> is e.g. processed, duplicate, retried, poisoned.</summary>
    public void QueueMessageProcessed(string queue, string outcome) =>
        _queueMessages.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A HaluGate audit finished; <paramref name="result"/> is hallucinated, grounded, skipped or error.</summary>
    public void AuditCompleted(string result) => _audits.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>An audit message left the response path: <paramref name="outcome"/> journaled, queued or deferred; <paramref name="fallback"/> why a journal did not take it (none, journal_full, journal_failed).</summary>
    public void AuditHandOff(string outcome, string fallback) =>
        _auditHandOffs.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("fallback", fallback));

    /// <summary>Where the journal-backlog gauge reads from; set once by the audit journal's owner.</summary>
    public void ObserveAuditJournalBacklog(Func<long> source) => _auditJournalBacklog = source;

    /// <summary>A feedback rating ingested; <paramref name="rating"/> is a kind such as up, down, or a score bucket.</summary>
    public void FeedbackRating(string model, string rating) =>
        _feedback.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("rating", rating));

    public void AuthFailure(string reason)
    {
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        RequestBlocked("auth");
    }

    public void RateLimited(string limit)
    {
        _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));
        RequestBlocked("rate_limit");
    }

    /// <summary>
    /// Adds 0 to every counter, without labels, so an exporter attached now shows each counter from its first
    /// collection (Prometheus <c>rate()</c> then works before a feature first moves it). Call after the listener starts.
    /// </summary>
    public void StartCountersAtZero()
    {
        foreach (var counter in new[] { _requests, _errors, _promptTokens, _completionTokens, _decisionMatches, _cacheHits, _cacheMisses, _piiViolations, _jailbreakBlocks, _blocked, _upstreamAttempts, _ejections, _queueMessages, _audits, _auditHandOffs, _feedback, _authFailures, _rateLimited, _reasoning })
        {
            counter.Add(0);
        }

        _cost.Add(0);
    }

    private IEnumerable<Measurement<int>> ObserveBackends()
    {
        if (_backends is not { } source)
        {
            yield break;
        }

        foreach (var (model, backend, inRotation) in source())
        {
            yield return new Measurement<int>(inRotation ? 1 : 0, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("backend", backend));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
