using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// One HTTP function of the app. The same instance serves the standalone server (mapped on <see cref="Route"/>) and
/// the Azure Functions isolated worker (the <c>[HttpTrigger]</c> of the same <see cref="Name"/> in Worker/HttpTriggers.cs),
/// both through <c>RouterHttpEndpoint</c>.
/// </summary>
internal interface IRouterFunction
{
    /// <summary>The function name the Functions host knows it by (functions.metadata).</summary>
    string Name { get; }

    /// <summary>The public route, without a leading slash (host.json sets routePrefix "").</summary>
    string Route { get; }

    IReadOnlyList<string> Methods { get; }

    /// <summary>Management endpoints sit behind the admin key when auth is configured.</summary>
    bool IsManagement => false;

    Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// An error answer in this function's own protocol, for failures decided around it (auth, limits, headers, body
    /// size): OpenAI's shape unless the front door speaks another (Anthropic's for <c>/v1/messages</c>).
    /// </summary>
    RouterResponse Error(RouterException e) => RouterPipeline.Error(e);
}
