using System.CommandLine;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Demo;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>serve [--config FILE] [--port N] [--host H] [--demo]</c>: runs the standalone router (its own HTTP server and
/// queue pollers). Under the Azure Functions host the same executable runs as the isolated worker instead (Worker/).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "Router config YAML (watched and hot-reloaded). Default: $SEMANTIC_ROUTER_CONFIG." };
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to bind.", DefaultValueFactory = _ => "127.0.0.1" };
        var demo = new Option<bool>("--demo") { Description = "Run on embedded defaults with the built-in DEMO echo backend (no LLM needed)." };
        var command = new Command("serve", "Run the standalone router.") { config, port, host, demo };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var urls = $"http://{parseResult.GetValue(host)}:{parseResult.GetValue(port)}";
            DemoBackend? backend = null;
            RouterHostOptions options;
            if (parseResult.GetValue(demo))
            {
                backend = await DemoBackend.StartAsync();
                var demoUrl = backend.BaseUrl.ToString();
                options = new RouterHostOptions
                {
                    ConfigYaml = EmbeddedConfig.DemoYaml(),
                    Urls = urls,
                    Environment = name => name == "DEMO_BACKEND_URL" ? demoUrl : Environment.GetEnvironmentVariable(name),
                };
                await output.WriteLineAsync($"DEMO mode: embedded config, built-in echo backend at {demoUrl}");
            }
            else
            {
                var path = parseResult.GetValue(config)?.FullName ?? RouterConfigSetting.Resolve(Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
                if (path is null)
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync("No config: pass --config FILE, set SEMANTIC_ROUTER_CONFIG, or try --demo.");
                    return 2;
                }

                if (!File.Exists(path))
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync($"{path}: config file not found");
                    return 2;
                }

                options = new RouterHostOptions { ConfigPath = path, Urls = urls };
            }

            try
            {
                // Start-up failures are reported below as one line each, not also as the host's logged stack trace.
                await using var app = RouterApplication.Build(options, services => services.AddLogging(l => l.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)));
                if (StartupChecks.ModelsFolderProblem(app.Services) is { } problem)
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync(problem);
                    return 1;
                }

                await app.StartAsync(cancellationToken);
                await output.WriteLineAsync($"Semantic Router listening on {string.Join(", ", app.Urls)}");
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (ConfigValidationException e)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 1;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"{urls}: the address is already in use (another server on port {parseResult.GetValue(port)}?); pick another with --port.");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
            {
                // Whatever else stops the server from starting (an unreadable file, a bad address…): its message, one line.
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"serve could not start: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
                return 1;
            }
            finally
            {
                if (backend is not null)
                {
                    await backend.DisposeAsync();
                }
            }
        });
        return command;
    }
}
