using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Storage;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary><c>POST /api/v1/response-cache/flush</c>: drops every entry of the store and resets this instance's statistics.</summary>
internal sealed class CacheFlushFunction(ResponseCacheRuntime runtime) : IRouterFunction
{
    public string Name => "CacheFlush";

    public string Route => "api/v1/response-cache/flush";

    public IReadOnlyList<string> Methods => ["POST"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var response = await CacheOperations.RemoveAsync(runtime, new CacheInvalidation(), cancellationToken);
        if (response.StatusCode == 200)
        {
            runtime.Statistics.Reset();
        }

        return response;
    }
}
