using System.CommandLine;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Model names a config writes are the model folder names (stable across model versions), checked at load with their
/// YAML path, and loading a config reads no model file.
/// </summary>
public sealed class ModelNameTests
{
    private static string CacheConfig(Uri backend, string embeddingModel) => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, provider_model_id: s, backend_refs: [{name: a, base_url: "{{{backend}}}"}]}
        routing:
          decisions:
            - name: faq
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
              plugins:
                - {type: response_cache, configuration: {mode: semantic, ttl_seconds: 600}}
        global:
          stores:
            response_cache: {backend_type: memory, embedding_model: {{{embeddingModel}}}}
        """;

    [Theory]
    [InlineData("sentence-embedder")]
    [InlineData("hashing-ngram-512-v1")]
    public async Task Validate_accepts_the_model_folder_name_and_the_built_in_embedder(string name)
    {
        var (exit, output) = await ValidateAsync(CacheConfig(new Uri("http://127.0.0.1:9/v1"), name));

        Assert.True(exit == 0, output);
        Assert.Contains(": OK", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus-embedder")]
    [InlineData("prompt-classifier")]
    public async Task Validate_reports_an_unknown_embedding_model_with_its_yaml_path(string name)
    {
        var (exit, output) = await ValidateAsync(CacheConfig(new Uri("http://127.0.0.1:9/v1"), name));

        Assert.Equal(1, exit);
        Assert.Matches($@"global\.stores\.response_cache\.embedding_model \(line \d+\): unknown embedder ""{name}""", output);
        Assert.Contains("sentence-embedder", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_the_sentence_embedder_by_folder_name_starts_and_answers_a_repeat_from_the_semantic_cache()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(CacheConfig(backend.BaseUrl, "sentence-embedder"));

        using var first = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("How do I reset my router to factory settings?"), Encoding.UTF8, "application/json"));
        using var second = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("How do I reset my router to factory settings?"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("x-vsr-cache-hit").Single());
        Assert.Equal(1, backend.RequestCount);
    }

    [Fact]
    public async Task Loading_a_config_that_names_a_model_neither_reads_nor_waits_for_the_model()
    {
        // The embedder's model.onnx is a named pipe: opening it blocks until someone writes, as a model still being
        // downloaded would. Naming the embedder in the config must not touch it while the config loads.
        var models = Directory.CreateTempSubdirectory("sr-pending-model-").FullName;
        Directory.CreateDirectory(Path.Combine(models, "sentence-embedder"));
        var fifo = await ExternalProcess.RunAsync("mkfifo", [Path.Combine(models, "sentence-embedder", "model.onnx")]);
        Assert.Equal(0, fifo.ExitCode);
        try
        {
            await using var router = await RunningRouter.StartAsync(
                new RouterHostOptions { ConfigYaml = CacheConfig(new Uri("http://127.0.0.1:9/v1"), "sentence-embedder") },
                services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = models })).WaitAsync(TimeSpan.FromSeconds(30));

            using var health = await router.Http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> ValidateAsync(string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sr-model-name-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var output = new StringWriter();
            var exit = await CliRoot.Create().Parse(["validate", "--config", file]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
            return (exit, output.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
