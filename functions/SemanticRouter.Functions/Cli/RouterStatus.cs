using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Cli;

/// <summary>What the router's endpoints answered; sections a key is missing for are kept as their error.</summary>
internal sealed class RouterStatus
{
    private RouterStatus(bool healthy, bool ready, JsonObject readiness, JsonNode models, JsonNode cache, JsonNode queues)
    {
        Healthy = healthy;
        IsReady = ready;
        Readiness = readiness;
        Models = models;
        Cache = cache;
        Queues = queues;
    }

    public bool Healthy { get; }

    public bool IsReady { get; }

    public JsonObject Readiness { get; }

    public JsonNode Models { get; }

    public JsonNode Cache { get; }

    public JsonNode Queues { get; }

    public static async Task<RouterStatus> ReadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var health = await http.GetAsync("health", cancellationToken);
        using var ready = await http.GetAsync("ready", cancellationToken);
        if (ready.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
        {
            throw new InvalidOperationException($"GET /ready answered HTTP {(int)ready.StatusCode}");
        }

        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
        if (readiness?["checks"] is not JsonObject)
        {
            throw new InvalidOperationException("GET /ready has no readiness checks");
        }

        return new RouterStatus(
            health.IsSuccessStatusCode,
            ready.StatusCode == HttpStatusCode.OK && health.IsSuccessStatusCode,
            readiness,
            await OptionalAsync(http, "v1/models", cancellationToken),
            await OptionalAsync(http, "api/v1/response-cache/stats", cancellationToken),
            await OptionalAsync(http, "api/v1/queues", cancellationToken));
    }

    public string NotReadyReason()
    {
        if (!Healthy)
        {
            return "GET /health failed";
        }

        var waiting = Checks().Where(c => c.Value?["ready"]?.GetValue<bool>() == false).Select(c => c.Key + Waiting(c.Value!["progress"])).ToList();
        return waiting.Count == 0 ? (string?)Readiness["status"] ?? "starting" : "waiting for " + string.Join("; ", waiting);
    }

    public JsonObject ToJson(Uri url) => new()
    {
        ["url"] = url.ToString(),
        ["healthy"] = Healthy,
        ["ready"] = IsReady,
        ["config"] = new JsonObject { ["hash"] = Readiness["config_hash"]?.DeepClone(), ["loaded_at"] = Readiness["config_loaded_at"]?.DeepClone() },
        ["readiness"] = Readiness.DeepClone(),
        ["models"] = Models.DeepClone(),
        ["cache"] = Cache.DeepClone(),
        ["queues"] = Queues.DeepClone(),
    };

    public async Task WriteTextAsync(TextWriter o, Uri url)
    {
        await o.WriteLineAsync($"Semantic Router at {url}");
        await o.WriteLineAsync($"  health:  {(Healthy ? "ok" : "FAILING")}");
        await o.WriteLineAsync($"  ready:   {(IsReady ? "yes" : "NO (" + NotReadyReason() + ")")}");
        var hash = (string?)Readiness["config_hash"];
        await o.WriteLineAsync($"  config:  {(hash is null ? "no hash" : "sha256 " + hash)}, loaded {(string?)Readiness["config_loaded_at"] ?? "?"}");
        await o.WriteLineAsync($"  models:  {ModelList()}");

        if (Checks().FirstOrDefault(c => c.Key == "upstream").Value?["progress"] is JsonObject upstream)
        {
            await o.WriteLineAsync("  backends:");
            foreach (var (model, backends) in upstream)
            {
                var states = (backends as JsonObject ?? []).Select(b => $"{b.Key} {(string?)b.Value?["state"] ?? "?"}");
                await o.WriteLineAsync($"    {model}: {string.Join(", ", states)}");
            }
        }

        if (Checks().FirstOrDefault(c => c.Key == "learned_signals").Value?["progress"] is JsonObject { Count: > 0 } learned)
        {
            await o.WriteLineAsync("  learned models:");
            foreach (var (model, state) in learned)
            {
                var detail = (string?)state?["error"] is { } e ? $" ({e})" : "";
                await o.WriteLineAsync($"    {model}: {(string?)state?["state"] ?? "?"}{detail}");
            }
        }

        if (Checks().FirstOrDefault(c => c.Key == "model_store").Value?["progress"] is JsonObject store)
        {
            var storeError = (string?)store["error"] is { } se ? $" (last error: {se})" : "";
            await o.WriteLineAsync($"  model store: {store["modelsLoaded"]}/{store["modelsTotal"]} models loaded from {(string?)store["source"] ?? "?"}{storeError}");
        }

        await o.WriteLineAsync($"  cache:   {CacheLine()}");
        await o.WriteLineAsync($"  queues:  {QueuesLine()}");
    }

    private static string Waiting(JsonNode? progress)
    {
        if (progress is not JsonObject models)
        {
            return "";
        }

        var pending = models.Where(m => (string?)m.Value?["state"] is "loading" or "failed").Select(m => $"{m.Key} {(string?)m.Value!["state"]}").ToList();
        return pending.Count == 0 ? "" : " (" + string.Join(", ", pending) + ")";
    }

    private static async Task<JsonNode> OptionalAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }

        // Auth on and no (admin) key: say so, keep going; the rest of the status is still worth showing.
        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "needs an API key (set SEMANTIC_ROUTER_ADMIN_KEY or pass --api-key-env)",
            HttpStatusCode.Forbidden => "needs an admin key",
            HttpStatusCode.NotFound => "not available on this router",
            _ => $"HTTP {(int)response.StatusCode}",
        };
        return new JsonObject { ["error"] = message };
    }

    private IEnumerable<KeyValuePair<string, JsonNode?>> Checks() => Readiness["checks"] as JsonObject ?? [];

    private string ModelList()
    {
        if ((string?)Models["error"] is { } e)
        {
            return "(" + e + ")";
        }

        var ids = (Models["data"] as JsonArray ?? []).Select(m =>
            (string?)m?["id"] + ((string?)m?["routing"]?["resolution"] == "virtual" ? " (routed)" : ""));
        return string.Join(", ", ids);
    }

    private string CacheLine()
    {
        if ((string?)Cache["error"] is { } e)
        {
            return "(" + e + ")";
        }

        if ((string?)Cache["backend"] is not { } backend)
        {
            return "off";
        }

        var rate = Cache["hit_rate"]?.GetValue<double>() ?? 0;
        return string.Create(CultureInfo.InvariantCulture, $"{backend}, {Cache["entries"]} entries, {Cache["lookups"]} lookups, {Cache["hits"]} hits (hit rate {rate:0.##%})");
    }

    private string QueuesLine()
    {
        if ((string?)Queues["error"] is { } e)
        {
            return "(" + e + ")";
        }

        var queues = (Queues["queues"] as JsonObject ?? []).Select(q => (string?)q.Value?["error"] is { } err
            ? $"{q.Key} unreadable ({err})"
            : $"{q.Key} {q.Value?["depth"]} waiting, {q.Value?["poison_depth"]} poison");
        return $"{string.Join("; ", queues)} [{(string?)Queues["transport"] ?? "?"}]";
    }
}
