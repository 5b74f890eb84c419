using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.CustomHandler;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Operations.Auth;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Builds the ASP.NET Core app that serves both standalone and as the Functions custom handler.</summary>
internal static class RouterApplication
{
    public static WebApplication Build(RouterHostOptions options, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = Math.Max(options.MaxHeaderBytes * 4, 256 * 1024);
            k.Limits.MaxRequestHeaderCount = 1000;
            k.Limits.MaxRequestLineSize = 64 * 1024;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddSemanticRouter(options);
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    /// <summary>The address Kestrel actually bound (resolves port 0).</summary>
    public static Uri BoundAddress(WebApplication app) =>
        new(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

    private static void MapEndpoints(WebApplication app)
    {
        app.UseMiddleware<RequestLimitsMiddleware>();
        var functions = AuthorizedFunction.WrapAll(app.Services, app.Services.GetServices<IRouterFunction>());
        var snapshots = app.Services.GetRequiredService<IRouterSnapshotSource>();

        foreach (var function in functions)
        {
            var f = function;
            app.Map("/" + f.Route, async http =>
            {
                if (!f.Methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
                {
                    http.Response.Headers.Allow = string.Join(", ", f.Methods);
                    await HttpExchange.WriteAsync(http, RouterPipeline.Error(new RouterException(405, "invalid_request_error", "method_not_allowed", $"{http.Request.Method} is not allowed on /{f.Route}; use {string.Join(" or ", f.Methods)}.")));
                    return;
                }

                RouterResponse response;
                try
                {
                    var request = await HttpExchange.ReadAsync(http, snapshots.Current.Config.Global.Router.MaxBodyBytes);
                    response = await f.InvokeAsync(request, http.RequestAborted);
                }
                catch (RouterException e)
                {
                    response = RouterPipeline.Error(e);
                }

                await HttpExchange.WriteAsync(http, response);
            });
        }

        // The Functions host polls GET / until the handler answers, then invokes POST /{FunctionName}.
        app.MapGet("/", () => Results.Text("""{"status":"ok"}""", "application/json"));
        InvocationEndpoint.Map(app, functions);
        QueueInvocationEndpoint.Map(app);

        app.MapFallback(http => HttpExchange.WriteAsync(http, RouterPipeline.Error(RouterException.NotFound($"No route for {http.Request.Method} {http.Request.Path}."))));
    }
}
