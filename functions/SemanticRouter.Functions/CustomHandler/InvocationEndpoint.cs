using System.Text.Json;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>
/// The custom-handler invocation contract for HTTP functions that are not forwarded or proxied:
/// the host POSTs <c>{"Data":{"req":{Url,Method,Query,Headers,Params,Body}},"Metadata":{}}</c> to
/// <c>/{FunctionName}</c> and expects <c>{"Outputs":{"res":{statusCode,headers,body}},"Logs":[],"ReturnValue":null}</c>.
/// Streaming answers are buffered in this mode (use proxying on Azure for SSE).
/// </summary>
internal static class InvocationEndpoint
{
    public static void Map(WebApplication app, IReadOnlyList<IRouterFunction> functions)
    {
        foreach (var function in functions)
        {
            var f = function;
            app.MapPost("/" + f.Name, async http =>
            {
                JsonElement payload;
                try
                {
                    payload = (await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)).RootElement;
                }
                catch (JsonException)
                {
                    http.Response.StatusCode = 400;
                    return;
                }

                var invocation = HttpInvocation.FromPayload(payload);
                if (invocation is null)
                {
                    // Not a host invocation payload: a non-2xx tells the host the invocation failed.
                    http.Response.StatusCode = 400;
                    return;
                }

                RouterResponse response;
                if (!f.Methods.Contains(invocation.Method, StringComparer.OrdinalIgnoreCase))
                {
                    response = RouterPipeline.Error(new RouterException(405, "invalid_request_error", "method_not_allowed", $"{invocation.Method} is not allowed; use {string.Join(" or ", f.Methods)}."));
                }
                else
                {
                    try
                    {
                        // The payload carries the route parameters the host matched (this endpoint's own route has none).
                        response = await f.InvokeAsync(invocation.Request with { RouteValues = invocation.Params }, http.RequestAborted);
                    }
                    catch (RouterException e)
                    {
                        response = RouterPipeline.Error(e);
                    }
                }

                await InvocationResult.WriteAsync(http, response);
            });
        }
    }
}
