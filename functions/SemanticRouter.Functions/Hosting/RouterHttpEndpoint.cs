using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Operations.Auth;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// The one HTTP request path of the app, behind both hosts: the standalone server maps each function on its route,
/// and the isolated worker's <c>[HttpTrigger]</c> functions (Worker/HttpTriggers.cs) call <see cref="ServeAsync(HttpContext, string)"/>.
/// It bounds headers, checks the method, reads the body, runs the function behind API-key auth and writes the answer
/// (streaming SSE as it is produced); a failure it did not expect becomes a 500 in the function's own error shape, never a stack trace.
/// </summary>
internal sealed partial class RouterHttpEndpoint
{
    private readonly IRouterSnapshotSource _snapshots;
    private readonly RouterHostOptions _options;
    private readonly ILogger<RouterHttpEndpoint> _logger;
    private readonly Dictionary<string, IRouterFunction> _byName;

    public RouterHttpEndpoint(IServiceProvider services, IRouterSnapshotSource snapshots, RouterHostOptions options, ILogger<RouterHttpEndpoint> logger)
    {
        _snapshots = snapshots;
        _options = options;
        _logger = logger;
        Functions = AuthorizedFunction.WrapAll(services, services.GetServices<IRouterFunction>());
        _byName = Functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>Every HTTP function of the app, each behind API-key auth and per-key limits.</summary>
    public IReadOnlyList<IRouterFunction> Functions { get; }

    /// <summary>Serves the function the Functions host invoked by name.</summary>
    public Task ServeAsync(HttpContext http, string functionName) =>
        ServeAsync(http, _byName.TryGetValue(functionName, out var f) ? f : throw new InvalidOperationException($"No router function named {functionName}."));

    public async Task ServeAsync(HttpContext http, IRouterFunction function)
    {
        var headerBytes = HeaderBytes(http.Request.Headers);
        if (headerBytes > _options.MaxHeaderBytes)
        {
            await HttpExchange.WriteAsync(http, function.Error(new RouterException(431, "invalid_request_error", "headers_too_large", $"Request headers total {headerBytes} bytes; the limit is {_options.MaxHeaderBytes}.")));
            return;
        }

        if (!function.Methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = string.Join(", ", function.Methods);
            await HttpExchange.WriteAsync(http, function.Error(new RouterException(405, "invalid_request_error", "method_not_allowed", $"{http.Request.Method} is not allowed on /{function.Route}; use {string.Join(" or ", function.Methods)}.")));
            return;
        }

        try
        {
            RouterResponse response;
            try
            {
                var request = await HttpExchange.ReadAsync(http, _snapshots.Current.Config.Global.Router.MaxBodyBytes);
                response = await function.InvokeAsync(request, http.RequestAborted);
            }
            catch (RouterException e)
            {
                response = function.Error(e);
            }

            await HttpExchange.WriteAsync(http, response);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            LogUnhandled(_logger, function.Name, e.GetType().Name);
            http.Response.Clear();
            await HttpExchange.WriteAsync(http, function.Error(new RouterException(500, "server_error", "internal_error", "The router failed to handle the request.")));
        }
    }

    private static int HeaderBytes(IHeaderDictionary headers)
    {
        var total = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var v in values)
            {
                total += name.Length + (v?.Length ?? 0) + 4;
            }
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in function {Function}: {ExceptionType}")]
    private static partial void LogUnhandled(ILogger logger, string function, string exceptionType);
}
