using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Bounds header size and turns unexpected failures into an OpenAI-style 500 (never a stack trace).
/// Kestrel's own hard limits sit above these so oversized headers still get a JSON error here.
/// </summary>
internal sealed partial class RequestLimitsMiddleware(RequestDelegate next, RouterHostOptions options, ILogger<RequestLimitsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var total = 0;
        foreach (var (name, values) in http.Request.Headers)
        {
            foreach (var v in values)
            {
                total += name.Length + (v?.Length ?? 0) + 4;
            }
        }

        if (total > options.MaxHeaderBytes)
        {
            await HttpExchange.WriteAsync(http, RouterPipeline.Error(new RouterException(431, "invalid_request_error", "headers_too_large", $"Request headers total {total} bytes; the limit is {options.MaxHeaderBytes}.")));
            return;
        }

        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            LogUnhandled(http.Request.Path, e.GetType().Name);
            http.Response.Clear();
            await HttpExchange.WriteAsync(http, RouterPipeline.Error(new RouterException(500, "server_error", "internal_error", "The router failed to handle the request.")));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure on {Path}: {ExceptionType}")]
    private partial void LogUnhandled(string path, string exceptionType);
}
