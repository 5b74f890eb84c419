using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Tests.StandInHost;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests.Worker;

/// <summary>
/// The build's <c>functions.metadata</c> (what the Functions host indexes) lists exactly the app's functions, and each
/// HTTP trigger's route and methods are those of the router function that serves it, so the two cannot drift.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly string App = StandInFunctionsHost.BuiltAppDirectory;

    [Fact]
    public async Task Lists_exactly_the_expected_functions_with_the_routes_and_methods_the_router_serves()
    {
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(App, "functions.metadata")))!.AsArray();
        var names = metadata.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(FunctionsWorkerTests.ExpectedFunctions.Keys.Order(StringComparer.Ordinal), names);

        await using var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = TestConfigs.TwoModels(new Uri("http://127.0.0.1:9/v1"), new Uri("http://127.0.0.1:9/v1"), new Uri("http://127.0.0.1:9/v1")), Environment = _ => null, Urls = "http://127.0.0.1:0" });
        var routerFunctions = app.Services.GetServices<IRouterFunction>().ToDictionary(f => f.Name, StringComparer.Ordinal);
        var httpFunctions = metadata.Where(f => f!["bindings"]!.AsArray().Any(b => (string?)b!["type"] == "httpTrigger")).ToList();
        Assert.Equal(routerFunctions.Keys.Order(StringComparer.Ordinal), httpFunctions.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal));
        foreach (var function in httpFunctions)
        {
            var trigger = function!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;
            var router = routerFunctions[(string)function["name"]!];
            Assert.Equal(router.Route, (string?)trigger["route"]);
            Assert.Equal(router.Methods.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal), trigger["methods"]!.AsArray().Select(m => (string)m!).Order(StringComparer.Ordinal));
            Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
        }
    }

    [Fact]
    public async Task The_build_is_a_dotnet_isolated_app_with_the_queue_extension_and_an_empty_route_prefix()
    {
        var worker = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(App, "worker.config.json")))!;
        Assert.Equal("dotnet-isolated", (string?)worker["description"]!["language"]);
        Assert.Equal("SemanticRouter.dll", (string?)worker["description"]!["defaultWorkerPath"]);

        var extensions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(App, "extensions.json")))!["extensions"]!.AsArray();
        Assert.Contains(extensions, e => (string?)e!["name"] == "AzureStorageQueues");

        var host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json")))!;
        Assert.Equal("", (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.Null(host["customHandler"]);
        Assert.Equal(5, (int)host["extensions"]!["queues"]!["maxDequeueCount"]!);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json")), await File.ReadAllTextAsync(Path.Combine(App, "host.json")));
    }
}
