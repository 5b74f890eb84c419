using System.Text.Json;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Operations.Tests;

/// <summary>A test-only function behind the auth gate that answers with the headers it was given.</summary>
internal sealed class EchoHeadersFunction : IRouterFunction
{
    public string Name => "TestEchoHeaders";

    public string Route => "test/echo-headers";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(RouterResponse.Json(200, JsonSerializer.SerializeToUtf8Bytes(request.Headers.ToDictionary(h => h.Key, h => h.Value))));
}
