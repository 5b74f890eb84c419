using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// One HTTP function of the app. The same instance serves the standalone server and the Azure
/// Functions custom handler (forwarded/proxied HTTP on <see cref="Route"/>, or the JSON invocation
/// payload on <c>POST /{Name}</c>); <c>functions/definitions/{Name}/function.json</c> declares it to the host.
/// </summary>
internal interface IRouterFunction
{
    /// <summary>The function (folder) name the Functions host invokes.</summary>
    string Name { get; }

    /// <summary>The public route, without a leading slash (host.json sets routePrefix "").</summary>
    string Route { get; }

    IReadOnlyList<string> Methods { get; }

    /// <summary>Management endpoints sit behind the admin key when auth is configured.</summary>
    bool IsManagement => false;

    Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken);
}
