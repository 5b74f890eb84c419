using SemanticRouter.Core.Pipeline;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Functions.Cli;

/// <summary>What <c>serve</c> checks before it listens, so a setup mistake is one clear line, not a stack trace or a silent 503.</summary>
internal static class StartupChecks
{
    /// <summary>
    /// When the config uses learned models read from the local models folder (no Blob model store), that folder must
    /// be a readable directory. Only the folder is looked at: the models themselves still load in the background.
    /// </summary>
    public static string? ModelsFolderProblem(IServiceProvider services)
    {
        _ = services.GetRequiredService<IRouterSnapshotSource>().Current;
        if (services.GetService<ILearnedModelSource>() is not null)
        {
            return null;
        }

        var models = services.GetRequiredService<LearnedModels>();
        if (models.Status().Count == 0)
        {
            return null;
        }

        try
        {
            _ = Directory.EnumerateFileSystemEntries(models.Directory).Any();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"models folder {models.Directory} cannot be read ({e.Message.ReplaceLineEndings(" ")}); set {LearnedModelOptions.EnvironmentVariable} to the folder holding the model folders.";
        }
    }
}
