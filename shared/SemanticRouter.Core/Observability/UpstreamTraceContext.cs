using System.Diagnostics;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// Puts the current span's W3C <c>traceparent</c>/<c>tracestate</c> on an upstream request, replacing
/// anything a header-mutation plugin copied from the client, so the backend's spans join the
/// router's trace. Explicit rather than left to the HTTP handler's diagnostics, which can be
/// switched off process-wide.
/// </summary>
public static class UpstreamTraceContext
{
    public static void Inject(HttpRequestMessage request)
    {
        if (Activity.Current is not { } activity)
        {
            return;
        }

        request.Headers.Remove("traceparent");
        request.Headers.Remove("tracestate");
        DistributedContextPropagator.Current.Inject(activity, request, static (carrier, name, value) =>
        {
            if (carrier is HttpRequestMessage message && value is not null)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        });
    }
}
