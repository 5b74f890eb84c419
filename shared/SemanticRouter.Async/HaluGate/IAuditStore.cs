namespace SemanticRouter.Async.HaluGate;

/// <summary>Audit results, one per request id.</summary>
public interface IAuditStore
{
    Task<AuditResult?> GetAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Stores the result unless one exists already (first writer wins); returns false when it existed.</summary>
    Task<bool> TryAddAsync(AuditResult result, CancellationToken cancellationToken);
}
