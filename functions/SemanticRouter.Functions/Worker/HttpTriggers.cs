using Microsoft.Azure.Functions.Worker;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Worker;

/// <summary>
/// The HTTP functions as the Azure Functions host sees them (the build writes <c>functions.metadata</c> from these
/// attributes). Each is one line: name, route and methods here, behaviour in the <c>IRouterFunction</c> of the same
/// name, served by <see cref="RouterHttpEndpoint"/> exactly as the standalone server serves it (SSE streams through
/// the worker's own HTTP listener, which the host proxies). Every trigger is anonymous at the host on purpose: the
/// router's API-key auth (<c>Authorization: Bearer</c>, as OpenAI SDKs send it) protects them, with client keys for
/// chat and models and admin keys for management (docs/operations.md). Routes have no <c>/api</c> prefix
/// (host.json <c>routePrefix: ""</c>); a test checks them against the router's functions.
/// </summary>
internal sealed class HttpTriggers(RouterHttpEndpoint endpoint)
{
    [Function("ChatCompletions")]
    public Task ChatCompletions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/chat/completions")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "ChatCompletions");

    [Function("Responses")]
    public Task Responses([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/responses")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Responses");

    [Function("Response")]
    public Task Response([HttpTrigger(AuthorizationLevel.Anonymous, "get", "delete", Route = "v1/responses/{id}")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Response");

    [Function("Messages")]
    public Task Messages([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/messages")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Messages");

    [Function("Models")]
    public Task Models([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Models");

    [Function("Model")]
    public Task Model([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{id}")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Model");

    [Function("Feedback")]
    public Task Feedback([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/feedback")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Feedback");

    [Function("Explain")]
    public Task Explain([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/explain")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Explain");

    [Function("Health")]
    public Task Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Health");

    [Function("Ready")]
    public Task Ready([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ready")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Ready");

    [Function("Ratings")]
    public Task Ratings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/ratings")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Ratings");

    [Function("Audit")]
    public Task Audit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audits/{id}")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Audit");

    [Function("Queues")]
    public Task Queues([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/queues")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Queues");

    [Function("Metrics")]
    public Task Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Metrics");

    [Function("MetricsSummary")]
    public Task MetricsSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/metrics/summary")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "MetricsSummary");

    [Function("Dashboard")]
    public Task Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "Dashboard");

    [Function("CacheStats")]
    public Task CacheStats([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/response-cache/stats")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "CacheStats");

    [Function("CacheInvalidate")]
    public Task CacheInvalidate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/response-cache/invalidate")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "CacheInvalidate");

    [Function("CacheFlush")]
    public Task CacheFlush([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/response-cache/flush")] HttpRequest req) => endpoint.ServeAsync(req.HttpContext, "CacheFlush");
}
