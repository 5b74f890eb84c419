using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// Derives the policy metrics (cache hit/miss, jailbreak and PII blocks, other fast responses)
/// from the anchor's <c>x-vsr-*</c> response headers that the plugins already set, so each
/// outcome is counted once, in one place, whichever plugin produced it.
/// </summary>
public static class PolicyOutcomes
{
    public const string CacheHitHeader = "x-vsr-cache-hit";
    public const string JailbreakBlockedHeader = "x-vsr-jailbreak-blocked";
    public const string PiiViolationHeader = "x-vsr-pii-violation";
    public const string PiiTypesHeader = "x-vsr-pii-types";

    /// <param name="shortCircuited">True when a plugin answered instead of a backend.</param>
    public static void Record(RouterMetrics metrics, RouterResponse response, RoutingContext context, bool shortCircuited)
    {
        var h = response.Headers;
        var decision = context.Decision?.Decision.Name ?? "none";
        if (h.TryGetValue(CacheHitHeader, out var hit))
        {
            if (hit == "true")
            {
                metrics.CacheHit(decision);
            }
            else if (hit == "false")
            {
                metrics.CacheMiss(decision);
            }
        }

        if (!shortCircuited || hit == "true")
        {
            return;
        }

        if (h.TryGetValue(JailbreakBlockedHeader, out var jailbreak) && jailbreak == "true")
        {
            metrics.JailbreakBlocked();
        }
        else if (h.TryGetValue(PiiViolationHeader, out var pii) && pii == "true")
        {
            if (h.TryGetValue(PiiTypesHeader, out var types))
            {
                foreach (var type in types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    metrics.PiiViolation(type);
                }
            }

            metrics.RequestBlocked("pii");
        }
        else if (h.TryGetValue(VsrHeaders.ResponsePath, out var path) && path == "fast_response")
        {
            metrics.RequestBlocked("fast_response");
        }
    }
}
