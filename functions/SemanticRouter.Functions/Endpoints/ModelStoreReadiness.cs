using System.Text.Json;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// The Blob model store's progress (manifest, bytes, per-model state, last error) for <c>/ready</c>. It never gates
/// readiness itself: a storage account may be configured for queues alone, with no model published, and readiness
/// depends only on what the loaded config needs; the <c>learned_signals</c> check waits for exactly those models.
/// </summary>
internal sealed class ModelStoreReadiness(IModelStore store) : IReadinessCheck
{
    public string Name => "model_store";

    public bool IsReady => true;

    public void WriteProgress(Utf8JsonWriter writer) =>
        JsonSerializer.Serialize(writer, store.Status, ModelStoreJsonContext.Default.ModelStoreStatus);
}
