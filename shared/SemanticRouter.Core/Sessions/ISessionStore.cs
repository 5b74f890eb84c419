namespace SemanticRouter.Core.Sessions;

/// <summary>
/// Where sticky choices live, keyed by the conversation key (<see cref="SessionKey"/>). Writes are optimistic: a
/// writer names the version it read, and loses (false) when another writer — another instance of the app — got there
/// first, so two instances never silently overwrite each other's choice for one conversation.
/// </summary>
public interface ISessionStore
{
    /// <summary>The store's config name (<c>memory</c>, <c>table</c>), for logs and metrics.</summary>
    string Name { get; }

    /// <summary>The live record for <paramref name="key"/>, or null when there is none or it has expired.</summary>
    ValueTask<StoredSession?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="record"/> if the stored one is still <paramref name="expectedVersion"/>; with null, only
    /// if there is no live record (none, or an expired one). False when another writer changed it first.
    /// </summary>
    ValueTask<bool> TryWriteAsync(string key, SessionRecord record, string? expectedVersion, CancellationToken cancellationToken);
}
