using System.Net;
using System.Text;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>The config file is watched: valid edits swap in under load with no failed request; invalid ones are rejected.</summary>
public sealed class ConfigHotReloadTests
{
    [Fact]
    public async Task Config_swaps_under_load_without_a_failed_request_and_invalid_files_are_rejected()
    {
        await using var a = await LoopbackBackend.StartAsync("a");
        await using var c = await LoopbackBackend.StartAsync("c");
        var dir = Directory.CreateTempSubdirectory("router-reload-");
        var path = Path.Combine(dir.FullName, "router.yaml");
        var toLarge = TestConfigs.TwoModels(a.BaseUrl, a.BaseUrl, c.BaseUrl).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal);
        var toSmall = toLarge.Replace("modelRefs: [{model: large}, {model: small}]", "modelRefs: [{model: small}]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, toLarge);

        await using var router = await RunningRouter.StartAsync(new RouterHostOptions { ConfigPath = path, ConfigPollInterval = TimeSpan.FromMilliseconds(200) });
        var provider = (RouterSnapshotProvider)router.Services.GetService(typeof(IRouterSnapshotSource))!;

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = new int[2];
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("derivative of x"), Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                var model = response.Headers.GetValues("x-vsr-selected-model").Single();
                Interlocked.Increment(ref served[model == "large" ? 0 : 1]);
            }
        })).ToArray();

        for (var i = 0; i < 6; i++)
        {
            var expected = i % 2 == 0 ? 1 : 0;
            await File.WriteAllTextAsync(path, expected == 1 ? toSmall : toLarge);
            Assert.True(await provider.ReloadAsync());

            // Keep each config in force until it has served some of the load (however slow the machine).
            var target = Volatile.Read(ref served[expected]) + 5;
            var until = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref served[expected]) < target && DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }
        }

        var before = provider.Current;
        await File.WriteAllTextAsync(path, toLarge.Replace("{model: large}", "{model: missing}", StringComparison.Ordinal));
        Assert.False(await provider.ReloadAsync());
        Assert.Same(before, provider.Current);
        await Task.Delay(300);

        stop.Cancel();
        await Task.WhenAll(load);

        Assert.Equal(0, failures);
        Assert.True(served[0] > 0 && served[1] > 0, $"large {served[0]}, small {served[1]}");

        // The watcher (not just explicit reloads) picks up a valid edit.
        await File.WriteAllTextAsync(path, toSmall);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (provider.Current.Config.Routing.Decisions[0].ModelRefs[0].Model != "small" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal("small", provider.Current.Config.Routing.Decisions[0].ModelRefs[0].Model);
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Ready_names_the_config_version_in_force_and_a_reload_changes_it_while_a_rejected_file_does_not()
    {
        await using var a = await LoopbackBackend.StartAsync("a");
        var dir = Directory.CreateTempSubdirectory("router-version-");
        var path = Path.Combine(dir.FullName, "router.yaml");
        var first = TestConfigs.TwoModels(a.BaseUrl, a.BaseUrl, a.BaseUrl);
        await File.WriteAllTextAsync(path, first);
        await using var router = await RunningRouter.StartAsync(new RouterHostOptions { ConfigPath = path, ConfigPollInterval = TimeSpan.FromMinutes(10) });
        var provider = (RouterSnapshotProvider)router.Services.GetService(typeof(IRouterSnapshotSource))!;

        var v1 = await ReadyAsync(router);
        Assert.Equal(Sha256(path), v1.Hash);

        await File.WriteAllTextAsync(path, first + "# edited\n");
        Assert.True(await provider.ReloadAsync());
        var v2 = await ReadyAsync(router);
        Assert.Equal(Sha256(path), v2.Hash);
        Assert.NotEqual(v1.Hash, v2.Hash);
        Assert.True(v2.LoadedAt >= v1.LoadedAt);

        await File.WriteAllTextAsync(path, "version: v1\nproviders: {default_model: ghost, models: []}\n");
        Assert.False(await provider.ReloadAsync());
        Assert.Equal(v2, await ReadyAsync(router));
        dir.Delete(recursive: true);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task<(string? Hash, DateTimeOffset LoadedAt)> ReadyAsync(RunningRouter router)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await router.Http.GetStringAsync("/ready"))!;
        return ((string?)body["config_hash"], body["config_loaded_at"]!.GetValue<DateTimeOffset>());
    }
}
