using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Cache.Tests.Milvus;

/// <summary>
/// A FAKE Milvus: an in-process HTTP server speaking the RESTful API v2 subset the cache uses
/// (reference: azure-functions-storage-milvus.md §3) — POST JSON everywhere, HTTP 200 with
/// <c>code</c> 0 or a business error code (100 unknown collection, 101 not loaded, 1100 bad
/// parameter), 401 with code 1800 for a wrong bearer token, Int64 values as strings unless
/// <c>Accept-Type-Allow-Int64: true</c>, and brute-force COSINE search over rows filtered by
/// <c>field == {param}</c> / <c>field &gt; {param}</c> conjunctions with <c>exprParams</c>.
/// </summary>
internal sealed class FakeMilvusServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeCollection> _collections = new(StringComparer.Ordinal);

    private FakeMilvusServer(WebApplication app, string? token)
    {
        _app = app;
        Token = token;
    }

    public string? Token { get; }

    public string Uri => _app.Urls.First();

    public List<string> Calls { get; } = [];

    public JsonObject? LastCreate { get; private set; }

    public int Rows(string collection)
    {
        lock (_gate)
        {
            return _collections.TryGetValue(collection, out var c) ? c.Rows.Count : 0;
        }
    }

    public static async Task<FakeMilvusServer> StartAsync(string? token = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeMilvusServer(app, token);
        app.MapPost("/v2/vectordb/{group}/{action}", server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http, string group, string action)
    {
        var path = group + "/" + action;
        lock (_gate)
        {
            Calls.Add(path);
        }

        if (Token is not null && http.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsync("""{"code":1800,"message":"User hasn't authenticated"}""");
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var int64AsNumber = http.Request.Headers["Accept-Type-Allow-Int64"] == "true";
        JsonNode result;
        lock (_gate)
        {
            result = body is null ? Error(1801, "invalid request body") : Dispatch(path, body, int64AsNumber);
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(result.ToJsonString());
    }

    private JsonNode Dispatch(string path, JsonObject body, bool int64AsNumber)
    {
        var name = body["collectionName"]?.GetValue<string>() ?? string.Empty;
        _collections.TryGetValue(name, out var collection);
        switch (path)
        {
            case "collections/has":
                return Ok(new JsonObject { ["has"] = collection is not null });
            case "collections/create":
                if (collection is not null)
                {
                    return Error(1100, $"collection {name} already exists");
                }

                LastCreate = (JsonObject)body.DeepClone();
                var fields = body["schema"]!["fields"]!.AsArray();
                var vector = fields.First(f => f!["dataType"]!.GetValue<string>() == "FloatVector")!;
                var indexed = body["indexParams"] is JsonArray { Count: > 0 };
                _collections[name] = new FakeCollection(
                    fields.Select(f => f!["fieldName"]!.GetValue<string>()).ToList(),
                    vector["fieldName"]!.GetValue<string>(),
                    ReadInt(vector["elementTypeParams"]!["dim"]!),
                    indexed);
                return Ok(new JsonObject());
            case "collections/drop":
                _collections.Remove(name);
                return Ok(new JsonObject());
        }

        if (collection is null)
        {
            return Error(100, $"can't find collection[database=default][collection={name}]");
        }

        switch (path)
        {
            case "collections/describe":
                return Ok(new JsonObject
                {
                    ["collectionName"] = name,
                    ["load"] = collection.Loaded ? "LoadStateLoaded" : "LoadStateNotLoad",
                    ["fields"] = new JsonArray(collection.Fields.Select(f => (JsonNode)new JsonObject
                    {
                        ["name"] = f,
                        ["params"] = f == collection.VectorField
                            ? new JsonArray(new JsonObject { ["key"] = "dim", ["value"] = collection.Dimension.ToString(CultureInfo.InvariantCulture) })
                            : new JsonArray(),
                    }).ToArray()),
                });
            case "collections/load":
                collection.Loaded = true;
                return Ok(new JsonObject());
            case "entities/insert" or "entities/upsert":
                var ids = new JsonArray();
                foreach (var row in body["data"]!.AsArray())
                {
                    var r = (JsonObject)row!.DeepClone();
                    if (r[collection.VectorField] is not JsonArray v || v.Count != collection.Dimension)
                    {
                        return Error(1100, "the dim of vector is incorrect parameter format");
                    }

                    var id = r["id"]!.GetValue<string>();
                    collection.Rows[id] = r;
                    ids.Add(id);
                }

                return Ok(new JsonObject { [path.EndsWith("upsert", StringComparison.Ordinal) ? "upsertCount" : "insertCount"] = ids.Count, [path.EndsWith("upsert", StringComparison.Ordinal) ? "upsertIds" : "insertIds"] = ids });
            case "entities/delete":
                var doomed = Filter(collection, body).ToList();
                foreach (var row in doomed)
                {
                    collection.Rows.Remove(row["id"]!.GetValue<string>());
                }

                return Ok(new JsonObject());
        }

        if (!collection.Loaded)
        {
            return Error(101, "collection not loaded");
        }

        switch (path)
        {
            case "entities/query":
                var output = body["outputFields"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? ["*"];
                var matches = Filter(collection, body).ToList();
                if (output.Contains("count(*)"))
                {
                    return Ok(new JsonArray(new JsonObject { ["count(*)"] = int64AsNumber ? JsonValue.Create((long)matches.Count) : JsonValue.Create(matches.Count.ToString(CultureInfo.InvariantCulture)) }));
                }

                var limit = body["limit"] is { } l ? ReadInt(l) : 100;
                return Ok(new JsonArray(matches.Take(limit).Select(r => (JsonNode)Project(r, output)).ToArray()));
            case "entities/search":
                var query = body["data"]![0]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
                if (query.Length != collection.Dimension)
                {
                    return Error(1100, "vector dimension mismatch");
                }

                var fieldsOut = body["outputFields"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];
                var top = body["limit"] is { } lim ? ReadInt(lim) : 100;
                var scored = Filter(collection, body)
                    .Select(r => (Row: r, Score: Cosine(query, r[collection.VectorField]!.AsArray().Select(x => x!.GetValue<float>()).ToArray())))
                    .OrderByDescending(x => x.Score)
                    .Take(top)
                    .Select(x =>
                    {
                        var o = Project(x.Row, fieldsOut);
                        o["id"] = x.Row["id"]!.DeepClone();
                        o["distance"] = x.Score;
                        return (JsonNode)o;
                    });
                return Ok(new JsonArray(scored.ToArray()));
            default:
                return Error(1100, "unsupported path " + path);
        }
    }

    private static IEnumerable<JsonObject> Filter(FakeCollection collection, JsonObject body)
    {
        var filter = body["filter"]?.GetValue<string>() ?? string.Empty;
        var parameters = body["exprParams"] as JsonObject;
        var clauses = filter.Length == 0 ? [] : filter.Split(" and ", StringSplitOptions.TrimEntries);
        return collection.Rows.Values.Where(row => clauses.All(clause => Matches(row, clause, parameters)));
    }

    private static bool Matches(JsonObject row, string clause, JsonObject? parameters)
    {
        var parts = clause.Split(' ', 3, StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            throw new InvalidOperationException("unsupported filter clause: " + clause);
        }

        var (field, op, rhs) = (parts[0], parts[1], parts[2]);
        JsonNode? value = rhs.StartsWith('{') ? parameters?[rhs.Trim('{', '}')] : JsonNode.Parse(rhs);
        var actual = row[field];
        return op switch
        {
            "==" => JsonNode.DeepEquals(actual, value),
            "!=" => !JsonNode.DeepEquals(actual, value),
            ">" => actual!.GetValue<double>() > value!.GetValue<double>(),
            ">=" => actual!.GetValue<double>() >= value!.GetValue<double>(),
            _ => throw new InvalidOperationException("unsupported operator " + op),
        };
    }

    private static JsonObject Project(JsonObject row, List<string> fields)
    {
        var o = new JsonObject();
        foreach (var f in fields.Contains("*") ? row.Select(p => p.Key).ToList() : fields)
        {
            o[f] = row[f]?.DeepClone();
        }

        return o;
    }

    private static double Cosine(float[] a, float[] b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    private static int ReadInt(JsonNode n) => n.GetValueKind() == JsonValueKind.String ? int.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture) : n.GetValue<int>();

    private static JsonObject Ok(JsonNode data) => new() { ["code"] = 0, ["data"] = data };

    private static JsonObject Error(int code, string message) => new() { ["code"] = code, ["message"] = message };

    private sealed class FakeCollection(List<string> fields, string vectorField, int dimension, bool loaded)
    {
        public List<string> Fields { get; } = fields;

        public string VectorField { get; } = vectorField;

        public int Dimension { get; } = dimension;

        public bool Loaded { get; set; } = loaded;

        public Dictionary<string, JsonObject> Rows { get; } = new(StringComparer.Ordinal);
    }
}
