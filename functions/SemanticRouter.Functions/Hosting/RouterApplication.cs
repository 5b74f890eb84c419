using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Builds the standalone server: the same functions the isolated worker serves (<see cref="RouterHttpEndpoint"/>), mapped on their routes.</summary>
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
        var endpoint = app.Services.GetRequiredService<RouterHttpEndpoint>();
        foreach (var function in endpoint.Functions)
        {
            var f = function;
            app.Map("/" + f.Route, http => endpoint.ServeAsync(http, f));
        }

        app.MapFallback(http => HttpExchange.WriteAsync(http, RouterPipeline.Error(RouterException.NotFound($"No route for {http.Request.Method} {http.Request.Path}."))));
    }
}
