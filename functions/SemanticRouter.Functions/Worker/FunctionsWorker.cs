using Microsoft.Azure.Functions.Worker.Builder;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Demo;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Operations.Auth;

namespace SemanticRouter.Functions.Worker;

/// <summary>
/// The app as the Azure Functions host runs it: a .NET isolated worker (<c>FUNCTIONS_WORKER_RUNTIME=dotnet-isolated</c>)
/// with ASP.NET Core integration, so HTTP functions read and write a real <see cref="HttpContext"/> and SSE streams.
/// The host starts the same executable the CLI is, with its <c>--functions-uri</c>… arguments; <see cref="Program"/>
/// sends those launches here. Services are the standalone server's (<see cref="ServiceCollectionExtensions.AddSemanticRouter"/>),
/// except that the host triggers the queue functions, so the in-process pollers stay off.
/// </summary>
internal static partial class FunctionsWorker
{
    /// <summary>
    /// Local runs only: start the built-in DEMO echo backend (the one <c>serve --demo</c> uses) and hand its URL to the
    /// config as <c>DEMO_BACKEND_URL</c>, so <c>config/demo.yaml</c> answers without any LLM. Answers say they are echoes.
    /// </summary>
    public const string DemoBackendSetting = "SEMANTIC_ROUTER_DEMO_BACKEND";

    /// <summary>True when the Functions host launched the process (Worker 2.x takes its endpoint from these).</summary>
    public static bool IsLaunchedByHost(IReadOnlyList<string> args) =>
        args.Contains("--functions-uri", StringComparer.OrdinalIgnoreCase)
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"));

    public static async Task<int> RunAsync(string[] args)
    {
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        var appRoot = environment("FUNCTIONS_APPLICATION_DIRECTORY") is { Length: > 0 } dir ? dir : AppContext.BaseDirectory;
        var configPath = RouterConfigSetting.Resolve(environment, appRoot) ?? Path.Combine(appRoot, RouterConfigSetting.Default);
        if (!File.Exists(configPath))
        {
            await Console.Error.WriteLineAsync($"{RouterConfigSetting.Name}: the router config {configPath} does not exist in the app. Publish it with the app (functions/publish.sh checks it) or point {RouterConfigSetting.Name} at a file under config/.");
            return 2;
        }

        DemoBackend? demo = null;
        if (string.Equals(environment(DemoBackendSetting), "true", StringComparison.OrdinalIgnoreCase))
        {
            demo = await DemoBackend.StartAsync();
            var demoUrl = demo.BaseUrl.ToString();
            environment = name => name == "DEMO_BACKEND_URL" ? demoUrl : Environment.GetEnvironmentVariable(name);
        }

        try
        {
            var builder = FunctionsApplication.CreateBuilder(args);
            builder.ConfigureFunctionsWebApplication();
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
            builder.Services.AddSemanticRouter(new RouterHostOptions { ConfigPath = configPath, Environment = environment, UnderFunctionsHost = true });
            builder.Services.AddSingleton<QueueTriggerRunner>();
            using var host = builder.Build();

            // Load (and validate) the config now: a bad file stops the worker with its YAML path, not the first request.
            var config = host.Services.GetRequiredService<IRouterSnapshotSource>().Current.Config;
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SemanticRouter.Functions.Worker");
            LogStarting(logger, configPath, AuthSettings.From(config).Enabled ? "on" : "OFF: every endpoint, management included, answers without a key");
            if (demo is not null)
            {
                LogDemo(logger, demo.BaseUrl.ToString());
            }

            await host.RunAsync();
            return 0;
        }
        catch (ConfigValidationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        finally
        {
            if (demo is not null)
            {
                await demo.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic Router worker starting with config {ConfigPath}; API-key auth {Auth}")]
    private static partial void LogStarting(ILogger logger, string configPath, string auth);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO backend at {Url}: answers are echoes from the built-in demo server, not an LLM (" + DemoBackendSetting + "=true; local use only)")]
    private static partial void LogDemo(ILogger logger, string url);
}
