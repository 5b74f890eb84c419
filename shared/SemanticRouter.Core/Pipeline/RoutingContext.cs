using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Pipeline;

/// <summary>
/// Everything known about one routed request while plugins run: the (mutable) request, the
/// decision, the chosen model, header mutations for the upstream call and extra response headers.
/// </summary>
public sealed class RoutingContext
{
    public RoutingContext(string requestId, ChatRequest request, IReadOnlyDictionary<string, string> headers, RouterConfig config)
    {
        RequestId = requestId;
        Request = request;
        Headers = headers;
        Config = config;
        Debug = headers.TryGetValue("x-vsr-debug", out var d) && string.Equals(d, "true", StringComparison.OrdinalIgnoreCase);
    }

    public string RequestId { get; }

    public ChatRequest Request { get; }

    /// <summary>Incoming request headers, lower-case names.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public RouterConfig Config { get; }

    public bool Debug { get; }

    /// <summary>True when the client asked for an auto model name and the router chose.</summary>
    public bool Routed { get; init; }

    public DecisionResult? Decision { get; set; }

    public SignalResults Signals { get; set; } = SignalResults.Empty;

    /// <summary>Models to try in order (first is the choice; the rest are fallbacks).</summary>
    public IReadOnlyList<ModelConfig> Candidates { get; set; } = [];

    public ModelConfig? SelectedModel => Candidates.Count > 0 ? Candidates[0] : null;

    /// <summary>Why the selector ordered the candidates as it did (e.g. a cost_quality choice), shown by explain.</summary>
    public object? SelectionDetail { get; set; }

    /// <summary>The decision's modelRefs in the order the algorithm chose (empty when no decision matched).</summary>
    public IReadOnlyList<ModelRefConfig> ModelRefs { get; set; } = [];

    /// <summary>The reasoning choice of the model the latest upstream attempt went to (set as each attempt is built).</summary>
    public Reasoning.ReasoningChoice? Reasoning { get; set; }

    /// <summary>The first modelRef that names <paramref name="model"/>, or null (e.g. the default model as a fallback).</summary>
    public ModelRefConfig? ModelRefFor(string model)
    {
        foreach (var r in ModelRefs)
        {
            if (r.Model == model)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>Session affinity's outcome for this request; null when affinity is off or the request has no conversation key.</summary>
    public Sessions.SessionState? Session { get; set; }

    /// <summary>Set by the system_prompt plugin; reported in the debug headers.</summary>
    public bool SystemPromptInjected { get; set; }

    // Created on first use: most requests never touch them, and these are allocated per request.
    private Dictionary<string, string?>? _upstreamHeaderMutations;
    private Dictionary<string, string>? _responseHeaders;
    private Dictionary<string, object>? _items;

    /// <summary>Headers set on (value non-null) or removed from (value null) the upstream request.</summary>
    public Dictionary<string, string?> UpstreamHeaderMutations => _upstreamHeaderMutations ??= new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers added to the client response (always; debug-only ones are added by the pipeline).</summary>
    public Dictionary<string, string> ResponseHeaders => _responseHeaders ??= new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-request state shared between a plugin's request and response phases.</summary>
    public Dictionary<string, object> Items => _items ??= new(StringComparer.Ordinal);

    /// <summary>The upstream header mutations, or null when no plugin made any (readers need not create the map).</summary>
    internal IReadOnlyDictionary<string, string?>? UpstreamHeaderMutationsIfAny => _upstreamHeaderMutations;

    /// <summary>The plugin-added response headers, or null when there are none.</summary>
    internal IReadOnlyDictionary<string, string>? ResponseHeadersIfAny => _responseHeaders;
}
