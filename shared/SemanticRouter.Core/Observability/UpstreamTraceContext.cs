using System.Diagnostics;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// Puts the current span's W3C <c>traceparent</c>/<c>tracestate</c> on an upstream request, replacing
/// anything a header-mutation plugin copied from the client, so the backend's spans join the
/// router's trace. Explicit rather than left to the HTTP handler's diagnostics, which can be
/// switched off process-wide. With tracing off (no current span) the client's own trace context
/// is passed through unchanged, so a caller's trace still reaches the backend.
/// </summary>
public static class UpstreamTraceContext
{
    public static void Inject(HttpRequestMessage request, IReadOnlyDictionary<string, string> incoming)
    {
        request.Headers.Remove("traceparent");
        request.Headers.Remove("tracestate");
        if (Activity.Current is not { } activity)
        {
            if (incoming.TryGetValue("traceparent", out var traceparent) && ActivityContext.TryParse(traceparent, null, out _))
            {
                request.Headers.TryAddWithoutValidation("traceparent", traceparent);
                if (incoming.TryGetValue("tracestate", out var tracestate) && tracestate.Length <= 512)
                {
                    request.Headers.TryAddWithoutValidation("tracestate", tracestate);
                }
            }

            return;
        }

        DistributedContextPropagator.Current.Inject(activity, request, static (carrier, name, value) =>
        {
            if (carrier is HttpRequestMessage message && value is not null)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        });
    }
}
