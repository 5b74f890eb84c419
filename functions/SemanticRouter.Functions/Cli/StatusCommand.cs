using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>status --url URL</c>: asks a running router (standalone or a function app) how it is — liveness, readiness with
/// each model's state, the config version it serves, its models, cache statistics and queue depths — from its own
/// endpoints (<c>/health</c>, <c>/ready</c>, <c>/v1/models</c>, <c>/api/v1/response-cache/stats</c>,
/// <c>/api/v1/queues</c>). Exit 0 when ready, 1 when it answers but is not ready, 2 when it cannot be reached or is
/// not a Semantic Router; a script or a deployment pipeline can gate on that.
/// </summary>
internal static class StatusCommand
{
    public const int Ready = 0;
    public const int NotReady = 1;
    public const int Unreachable = 2;

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the router.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var keyEnv = new Option<string>("--api-key-env") { Description = "Environment variable holding an admin key, sent when the router's auth is on (management endpoints need one).", DefaultValueFactory = _ => "SEMANTIC_ROUTER_ADMIN_KEY" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (what each endpoint answered) instead of text." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each answer (1-300).", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show a running router's health, readiness, config version, models, cache and queues.") { url, keyEnv, json, timeout };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var given = parseResult.GetValue(url)!;
            if (!Uri.TryCreate(given, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"status: --url \"{given}\" is not an absolute http(s) URL (e.g. http://127.0.0.1:8080).");
                return Unreachable;
            }

            var seconds = parseResult.GetValue(timeout);
            if (seconds is < 1 or > 300)
            {
                await error.WriteLineAsync($"status: --timeout {seconds} is out of range (1-300 seconds).");
                return Unreachable;
            }

            var key = Environment.GetEnvironmentVariable(parseResult.GetValue(keyEnv)!);
            using var http = new HttpClient { BaseAddress = new Uri(baseUri.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(seconds) };
            if (!string.IsNullOrEmpty(key))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            RouterStatus status;
            try
            {
                status = await RouterStatus.ReadAsync(http, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
            {
                var why = e switch
                {
                    TaskCanceledException when !cancellationToken.IsCancellationRequested => $"no answer within {seconds} s",
                    JsonException or InvalidOperationException => "the answer is not a Semantic Router's (" + e.Message.ReplaceLineEndings(" ") + ")",
                    _ => e.GetBaseException().Message.ReplaceLineEndings(" "),
                };
                await error.WriteLineAsync($"status: cannot reach a router at {baseUri}: {why}");
                return Unreachable;
            }

            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                // Relaxed escaping: a terminal or jq reads this, not an HTML page ("+00:00", not "\u002B00:00").
                await output.WriteLineAsync(status.ToJson(baseUri).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                await status.WriteTextAsync(output, baseUri);
            }

            if (!status.IsReady)
            {
                await error.WriteLineAsync($"status: the router at {baseUri} is not ready: {status.NotReadyReason()}");
                return NotReady;
            }

            return Ready;
        });
        return command;
    }
}
