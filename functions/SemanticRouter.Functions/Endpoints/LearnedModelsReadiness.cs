using System.Text.Json;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Ready once every model the loaded config's learned signals and plugins reference has loaded; lists each model's state.</summary>
internal sealed class LearnedModelsReadiness(IServiceProvider services) : IReadinessCheck
{
    public string Name => "learned_signals";

    // Resolved lazily: a host whose config uses no learned signal never creates the models holder.
    private LearnedModels Models => services.GetRequiredService<LearnedModels>();

    public bool IsReady => Models.AllRequiredLoaded;

    public void WriteProgress(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (model, status, error) in Models.Status())
        {
            writer.WriteStartObject(model.ToString());
            writer.WriteString("state", status switch
            {
                TaskStatus.RanToCompletion => "loaded",
                TaskStatus.Faulted or TaskStatus.Canceled => "failed",
                _ => "loading",
            });
            if (error is not null)
            {
                writer.WriteString("error", error);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
