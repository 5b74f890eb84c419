using System.Text.Json;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Storage;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>POST /api/v1/response-cache/invalidate</c> with <c>{"tenant"?, "user"?, "model"?}</c> (at least
/// one): drops every entry of that tenant, user and/or model — e.g. after a model upgrade or when a
/// tenant's data changed. Use <c>flush</c> to drop everything.
/// </summary>
internal sealed class CacheInvalidateFunction(ResponseCacheRuntime runtime) : IRouterFunction
{
    public string Name => "CacheInvalidate";

    public string Route => "api/v1/response-cache/invalidate";

    public IReadOnlyList<string> Methods => ["POST"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        CacheInvalidation filter;
        try
        {
            filter = Parse(request.Body.Span);
        }
        catch (RouterException e)
        {
            return RouterPipeline.Error(e);
        }

        return await CacheOperations.RemoveAsync(runtime, filter, cancellationToken);
    }

    private static CacheInvalidation Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > 64 * 1024)
        {
            throw RouterException.TooLarge("The invalidation request is too large.");
        }

        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw RouterException.BadRequest("Body must be a JSON object with tenant, user and/or model.");
            }

            var filter = new CacheInvalidation(Field(doc.RootElement, "tenant"), Field(doc.RootElement, "user"), Field(doc.RootElement, "model"));
            return filter.IsFlush
                ? throw RouterException.BadRequest("Give at least one of tenant, user, model (use /api/v1/response-cache/flush to drop everything).")
                : filter;
        }
        catch (JsonException)
        {
            throw RouterException.BadRequest("Body is not valid JSON.", code: "invalid_json");
        }
    }

    private static string? Field(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String && v.GetString()!.Length <= 256
            ? v.GetString()
            : throw RouterException.BadRequest($"'{name}' must be a string of at most 256 characters.", name);
    }
}
