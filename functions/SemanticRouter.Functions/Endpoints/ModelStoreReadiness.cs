using System.Text.Json;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Ready once every required model in the manifest is on local disk and verified; the body shows bytes and per-model state.</summary>
internal sealed class ModelStoreReadiness(IModelStore store) : IReadinessCheck
{
    public string Name => "model_store";

    public bool IsReady => store.Status.Ready;

    public void WriteProgress(Utf8JsonWriter writer) =>
        JsonSerializer.Serialize(writer, store.Status, ModelStoreJsonContext.Default.ModelStoreStatus);
}
