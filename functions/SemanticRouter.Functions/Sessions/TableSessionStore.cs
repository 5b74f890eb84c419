using Azure;
using Azure.Data.Tables;
using SemanticRouter.Core.Sessions;

namespace SemanticRouter.Functions.Sessions;

/// <summary>
/// Sticky choices in Azure Table storage, in the app's storage account, so every instance of a scaled-out app routes a
/// conversation alike. One entity per conversation: the hashed key is the partition key (no hot partition, no prompt
/// text), the row key is fixed. Writes are conditional on the ETag read (an insert on absence), so when two instances
/// answer a conversation's first turn at once, the first write stands and the second reports a conflict. Expired
/// entities read as absent and are replaced on the next write; nothing else deletes them (docs/operations.md).
/// </summary>
internal sealed class TableSessionStore(TableClient table, TimeProvider time) : ISessionStore
{
    private const string RowKey = "s";
    private int _tableReady;

    public string Name => "table";

    public async ValueTask<StoredSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is not null && stored.Record.ExpiresAt > time.GetUtcNow() ? stored : null;
    }

    public async ValueTask<bool> TryWriteAsync(string key, SessionRecord record, string? expectedVersion, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(key, record);
        try
        {
            if (expectedVersion is not null)
            {
                await table.UpdateEntityAsync(entity, new ETag(expectedVersion), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }

            try
            {
                await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // An entity exists: an expired one may be replaced, conditionally on the ETag just read.
                var existing = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
                if (existing is null || existing.Record.ExpiresAt > time.GetUtcNow())
                {
                    return false;
                }

                await table.UpdateEntityAsync(entity, new ETag(existing.Version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // 412: another writer changed it since our read; 404: it was deleted meanwhile. Either way theirs stands.
            return false;
        }
    }

    private async Task<StoredSession?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } e)
        {
            return null;
        }

        // A malformed entity (edited by hand) reads as a conversation without a choice; the next write replaces it.
        if (e.GetString("Decision") is not { } decision || e.GetString("Model") is not { } model
            || e.GetInt32("Priority") is not { } priority || e.GetDouble("Confidence") is not { } confidence
            || e.GetDateTimeOffset("UpdatedAt") is not { } updated || e.GetDateTimeOffset("ExpiresAt") is not { } expires)
        {
            return new StoredSession(new SessionRecord(string.Empty, int.MinValue, string.Empty, 0, DateTimeOffset.MinValue, DateTimeOffset.MinValue), e.ETag.ToString());
        }

        return new StoredSession(new SessionRecord(decision, priority, model, confidence, updated, expires), e.ETag.ToString());
    }

    private static TableEntity ToEntity(string key, SessionRecord r) => new(key, RowKey)
    {
        ["Decision"] = r.Decision,
        ["Priority"] = r.Priority,
        ["Model"] = r.Model,
        ["Confidence"] = r.Confidence,
        ["UpdatedAt"] = r.UpdatedAt,
        ["ExpiresAt"] = r.ExpiresAt,
    };

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tableReady) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _tableReady, 1);
        }
    }
}
