namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// Readiness snapshot for <c>GET /ready</c>: 503 until <see cref="Ready"/> (every required model
/// loaded), with this object as the body so operators can watch progress.
/// </summary>
public sealed record ModelStoreStatus(
    bool Ready,
    string Source,
    long Version,
    int ModelsTotal,
    int ModelsLoaded,
    long BytesTotal,
    long BytesLoaded,
    IReadOnlyList<ModelStatus> Models,
    string? Error);

/// <summary>One model's progress. <see cref="BytesLoaded"/> counts downloaded (blob) or verified (local) bytes.</summary>
public sealed record ModelStatus(
    string Name,
    string Kind,
    bool Required,
    ModelLoadState State,
    long BytesTotal,
    long BytesLoaded,
    string? Error);

public enum ModelLoadState
{
    Pending,
    Loading,
    Loaded,
    Failed,
}
