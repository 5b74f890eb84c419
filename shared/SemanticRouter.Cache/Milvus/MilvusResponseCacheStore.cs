using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Storage;

namespace SemanticRouter.Cache.Milvus;

/// <summary>
/// Shared store in a Milvus collection, created on first use with an HNSW/COSINE index (so it is
/// loaded and searchable in one call) and a collection TTL. Rows are partitioned by a hash of the
/// tenant/user scope (a partition-key field, so Milvus prunes searches to that scope) and filtered
/// by the full cache partition and an <c>expires_at</c> column (Milvus TTL expiry is asynchronous).
/// Any failure — unreachable server, timeout, auth, error code — is logged without prompt text,
/// counted, and served as a miss; after a failure calls are skipped for a short back-off so an
/// outage does not add a timeout to every request.
/// </summary>
internal sealed partial class MilvusResponseCacheStore : IResponseCacheStore
{
    /// <summary>VarChar limit of Milvus; larger answers are not cached in Milvus.</summary>
    public const int MaxResponseBytes = 65_535;

    /// <summary>Near-miss guard terms: at most <see cref="NearMissGuard.MaxTerms"/> hashes of 8 hex digits and a separator.</summary>
    private const int TermsMaxLength = NearMissGuard.MaxTerms * 9;

    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(5);

    private readonly MilvusRestClient _client;
    private readonly string _collection;
    private readonly TimeSpan _collectionTtl;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _ensure = new(1, 1);
    private int _dimension;
    private long _failures;
    private long _openUntilTicks;

    public MilvusResponseCacheStore(MilvusRestClient client, string collection, TimeSpan collectionTtl, TimeProvider time, ILogger logger)
    {
        _client = client;
        _collection = collection;
        _collectionTtl = collectionTtl;
        _time = time;
        _logger = logger;
    }

    public string Backend => "milvus";

    private long NowSeconds => _time.GetUtcNow().ToUnixTimeSeconds();

    public async ValueTask<CacheHit?> FindExactAsync(CacheKey key, CancellationToken cancellationToken)
    {
        if (!Available || (_dimension == 0 && !await ExistsAsync(cancellationToken)))
        {
            return null;
        }

        try
        {
            var data = await _client.PostAsync("entities/query", w =>
            {
                w.WriteString("collectionName", _collection);
                w.WriteString("filter", "id == {id} and expires_at > {now}");
                w.WriteStartObject("exprParams");
                w.WriteString("id", key.Exact);
                w.WriteNumber("now", NowSeconds);
                w.WriteEndObject();
                WriteStrings(w, "outputFields", "response");
                w.WriteNumber("limit", 1);
            }, cancellationToken).ConfigureAwait(false);
            return FirstResponse(data, 1.0, exact: true);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            Fail("query", e);
            return null;
        }
    }

    public async ValueTask<CacheHit?> FindSimilarAsync(CacheKey key, float[] embedding, double threshold, CancellationToken cancellationToken)
    {
        if (!Available || (_dimension == 0 && !await ExistsAsync(cancellationToken)))
        {
            return null;
        }

        try
        {
            var data = await _client.PostAsync("entities/search", w =>
            {
                w.WriteString("collectionName", _collection);
                w.WriteStartArray("data");
                WriteVector(w, embedding);
                w.WriteEndArray();
                w.WriteString("annsField", "embedding");
                w.WriteString("filter", "scope == {scope} and partition == {partition} and has_vector == true and expires_at > {now}");
                w.WriteStartObject("exprParams");
                w.WriteString("scope", ScopeHash(key));
                w.WriteString("partition", key.Partition);
                w.WriteNumber("now", NowSeconds);
                w.WriteEndObject();
                w.WriteNumber("limit", 1);
                WriteStrings(w, "outputFields", "response", "terms");
                w.WriteStartObject("searchParams");
                w.WriteString("metricType", "COSINE");
                w.WriteStartObject("params");
                w.WriteNumber("ef", 64);
                w.WriteEndObject();
                w.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
            {
                return null;
            }

            var row = data[0];
            var distance = row.TryGetProperty("distance", out var d) ? d.GetDouble() : double.NegativeInfinity;
            var storedTerms = row.TryGetProperty("terms", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (distance < threshold || !NearMissGuard.Allows(key.Terms is null ? null : storedTerms, key.Terms, key.StrictTerms))
            {
                return null;
            }

            return FirstResponse(data, Math.Min(distance, 1.0), exact: false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            Fail("search", e);
            return null;
        }
    }

    public async ValueTask WriteAsync(CacheKey key, float[]? embedding, byte[] completion, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (completion.Length > MaxResponseBytes || !Available)
        {
            return;
        }

        try
        {
            var dimension = embedding?.Length ?? _dimension;
            if (dimension == 0)
            {
                // An exact-only write before any semantic one: the vector column needs a width, so
                // wait for a write that brings an embedding (its collection serves both).
                if (!await ExistsAsync(cancellationToken))
                {
                    return;
                }

                dimension = _dimension;
            }

            await EnsureCollectionAsync(dimension, cancellationToken).ConfigureAwait(false);
            var vector = embedding ?? Placeholder(dimension);
            await _client.PostAsync("entities/upsert", w =>
            {
                w.WriteString("collectionName", _collection);
                w.WriteStartArray("data");
                w.WriteStartObject();
                w.WriteString("id", key.Exact);
                w.WriteString("scope", ScopeHash(key));
                w.WriteString("partition", key.Partition);
                w.WriteString("tenant", key.Tenant);
                w.WriteString("user_id", key.User);
                w.WriteString("model", key.Model);
                w.WriteString("response", Encoding.UTF8.GetString(completion));
                w.WriteString("terms", key.Terms ?? string.Empty);
                w.WriteBoolean("has_vector", embedding is not null);
                w.WriteNumber("expires_at", NowSeconds + (long)ttl.TotalSeconds);
                w.WritePropertyName("embedding");
                WriteVector(w, vector);
                w.WriteEndObject();
                w.WriteEndArray();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            Fail("upsert", e);
        }
    }

    public async ValueTask<long> InvalidateAsync(CacheInvalidation filter, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken))
        {
            return 0;
        }

        var before = await CountAsync(cancellationToken).ConfigureAwait(false);
        if (filter.IsFlush)
        {
            await _client.PostAsync("collections/drop", w => w.WriteString("collectionName", _collection), cancellationToken).ConfigureAwait(false);
            _dimension = 0;
            return Math.Max(before, 0);
        }

        var clauses = new List<string>();
        if (filter.Tenant is not null)
        {
            clauses.Add("tenant == {tenant}");
        }

        if (filter.User is not null)
        {
            clauses.Add("user_id == {user}");
        }

        if (filter.Model is not null)
        {
            clauses.Add("model == {model}");
        }

        await _client.PostAsync("entities/delete", w =>
        {
            w.WriteString("collectionName", _collection);
            w.WriteString("filter", string.Join(" and ", clauses));
            w.WriteStartObject("exprParams");
            if (filter.Tenant is not null)
            {
                w.WriteString("tenant", filter.Tenant);
            }

            if (filter.User is not null)
            {
                w.WriteString("user", filter.User);
            }

            if (filter.Model is not null)
            {
                w.WriteString("model", filter.Model);
            }

            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        var after = await CountAsync(cancellationToken).ConfigureAwait(false);
        return before < 0 || after < 0 ? -1 : Math.Max(0, before - after);
    }

    public async ValueTask<CacheStoreInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        long entries = -1;
        try
        {
            entries = await ExistsAsync(cancellationToken) ? await CountAsync(cancellationToken).ConfigureAwait(false) : 0;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            Fail("count", e);
        }

        return new CacheStoreInfo(Backend, entries, -1, -1, Interlocked.Read(ref _failures));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _ensure.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool Available => _time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _openUntilTicks);

    private async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var data = await _client.PostAsync("entities/query", w =>
        {
            w.WriteString("collectionName", _collection);
            w.WriteString("filter", string.Empty);
            WriteStrings(w, "outputFields", "count(*)");
        }, cancellationToken).ConfigureAwait(false);
        return data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 && data[0].TryGetProperty("count(*)", out var c)
            ? MilvusRestClient.ReadInt64(c)
            : -1;
    }

    /// <summary>Whether the collection exists; learns its vector width so reads work before this instance wrote anything.</summary>
    private async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (_dimension > 0)
        {
            return true;
        }

        try
        {
            var has = await _client.PostAsync("collections/has", w => w.WriteString("collectionName", _collection), cancellationToken).ConfigureAwait(false);
            if (!(has.ValueKind == JsonValueKind.Object && has.TryGetProperty("has", out var h) && h.ValueKind == JsonValueKind.True))
            {
                return false;
            }

            var described = await _client.PostAsync("collections/describe", w => w.WriteString("collectionName", _collection), cancellationToken).ConfigureAwait(false);
            _dimension = VectorDimension(described);
            if (described.TryGetProperty("load", out var load) && load.GetString() is { } state && state != "LoadStateLoaded")
            {
                await _client.PostAsync("collections/load", w => w.WriteString("collectionName", _collection), cancellationToken).ConfigureAwait(false);
            }

            return _dimension > 0;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            Fail("describe", e);
            return false;
        }
    }

    private async Task EnsureCollectionAsync(int dimension, CancellationToken cancellationToken)
    {
        if (_dimension == dimension)
        {
            return;
        }

        await _ensure.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dimension == dimension)
            {
                return;
            }

            if (await ExistsAsync(cancellationToken))
            {
                if (_dimension != dimension)
                {
                    throw new MilvusException(-1, $"collection has {_dimension}-d vectors but the embedder makes {dimension}-d ones; use another collection or flush it");
                }

                return;
            }

            await _client.PostAsync("collections/create", w => WriteCreate(w, dimension), cancellationToken).ConfigureAwait(false);
            _dimension = dimension;
        }
        finally
        {
            _ensure.Release();
        }
    }

    private void WriteCreate(Utf8JsonWriter w, int dimension)
    {
        w.WriteString("collectionName", _collection);
        w.WriteStartObject("schema");
        w.WriteBoolean("autoID", false);
        w.WriteBoolean("enableDynamicField", false);
        w.WriteStartArray("fields");
        VarChar(w, "id", 64, primary: true);
        VarChar(w, "scope", 64, partitionKey: true);
        VarChar(w, "partition", 64);
        VarChar(w, "tenant", TrustedIdentity.MaxLength);
        VarChar(w, "user_id", TrustedIdentity.MaxLength);
        VarChar(w, "model", 256);
        VarChar(w, "response", MaxResponseBytes);
        VarChar(w, "terms", TermsMaxLength);
        Field(w, "has_vector", "Bool");
        Field(w, "expires_at", "Int64");
        w.WriteStartObject();
        w.WriteString("fieldName", "embedding");
        w.WriteString("dataType", "FloatVector");
        w.WriteStartObject("elementTypeParams");
        w.WriteNumber("dim", dimension);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("indexParams");
        w.WriteStartObject();
        w.WriteString("fieldName", "embedding");
        w.WriteString("indexName", "embedding_hnsw");
        w.WriteString("metricType", "COSINE");
        w.WriteString("indexType", "HNSW");
        w.WriteStartObject("params");
        w.WriteNumber("M", 16);
        w.WriteNumber("efConstruction", 200);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("params");
        w.WriteNumber("ttlSeconds", (long)_collectionTtl.TotalSeconds);
        w.WriteString("consistencyLevel", "Bounded");
        w.WriteEndObject();
    }

    private static void VarChar(Utf8JsonWriter w, string name, int maxLength, bool primary = false, bool partitionKey = false)
    {
        w.WriteStartObject();
        w.WriteString("fieldName", name);
        w.WriteString("dataType", "VarChar");
        if (primary)
        {
            w.WriteBoolean("isPrimary", true);
        }

        if (partitionKey)
        {
            w.WriteBoolean("isPartitionKey", true);
        }

        w.WriteStartObject("elementTypeParams");
        w.WriteNumber("max_length", maxLength);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter w, string name, string type)
    {
        w.WriteStartObject();
        w.WriteString("fieldName", name);
        w.WriteString("dataType", type);
        w.WriteEndObject();
    }

    private static int VectorDimension(JsonElement described)
    {
        if (!described.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        foreach (var f in fields.EnumerateArray())
        {
            if (f.TryGetProperty("name", out var n) && n.GetString() == "embedding" && f.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Array)
            {
                foreach (var p in ps.EnumerateArray())
                {
                    if (p.TryGetProperty("key", out var k) && k.GetString() == "dim" && p.TryGetProperty("value", out var v))
                    {
                        return v.ValueKind == JsonValueKind.Number ? v.GetInt32() : int.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        return 0;
    }

    private static CacheHit? FirstResponse(JsonElement data, double similarity, bool exact)
    {
        if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0 || !data[0].TryGetProperty("response", out var r) || r.GetString() is not { } response)
        {
            return null;
        }

        return new CacheHit(Encoding.UTF8.GetBytes(response), similarity, exact);
    }

    private static string ScopeHash(CacheKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Tenant + "\u0000" + key.User)));

    private static float[] Placeholder(int dimension)
    {
        var v = new float[dimension];
        v[0] = 1;
        return v;
    }

    private static void WriteVector(Utf8JsonWriter w, float[] vector)
    {
        w.WriteStartArray();
        foreach (var x in vector)
        {
            w.WriteNumberValue(x);
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, params string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
        e is MilvusException or HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException ||
        (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private void Fail(string operation, Exception e)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.Exchange(ref _openUntilTicks, (_time.GetUtcNow() + Backoff).UtcTicks);
        LogFailure(_logger, operation, _collection, e.GetType().Name, e is MilvusException m ? m.Code : 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milvus {Operation} on {Collection} failed ({Error}, code {Code}); serving cache misses for a while")]
    private static partial void LogFailure(ILogger logger, string operation, string collection, string error, int code);
}
