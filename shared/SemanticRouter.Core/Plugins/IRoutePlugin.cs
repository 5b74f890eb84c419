using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Plugins;

/// <summary>
/// A decision's plugin instance (built once per config snapshot, shared by requests). It may
/// rewrite the request, answer it without an upstream call, and observe or rewrite the answer.
/// </summary>
public interface IRoutePlugin
{
    string Type { get; }

    /// <summary>Runs before the upstream call, in the decision's plugin order. A non-null result answers the request.</summary>
    ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken);

    /// <summary>Returns a per-request observer of the answer, or null when the plugin does not look at answers.</summary>
    IResponseInterceptor? CreateResponseInterceptor(RoutingContext context) => null;
}
