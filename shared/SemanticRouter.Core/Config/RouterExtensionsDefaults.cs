using SemanticRouter.Core.Plugins.FastResponse;
using SemanticRouter.Core.Plugins.HeaderMutation;
using SemanticRouter.Core.Plugins.SystemPrompt;
using SemanticRouter.Core.Selection;
using SemanticRouter.Core.Signals.Context;
using SemanticRouter.Core.Signals.Keyword;

namespace SemanticRouter.Core.Config;

/// <summary>The extensions built into Core; hosts add model-backed signals, cache and others on top.</summary>
public static class RouterExtensionsDefaults
{
    public static RouterExtensions CreateCore()
    {
        var extensions = new RouterExtensions();
        foreach (var algorithm in CostQualitySelection.WithAliases(extensions))
        {
            extensions.Add(algorithm);
        }

        return extensions
            .Add(new KeywordSignalKind())
            .Add(new ContextSignalKind())
            .Add(new SystemPromptPlugin.Factory())
            .Add(new HeaderMutationPlugin.Factory())
            .Add(new FastResponsePlugin.Factory())
            .Add(new StaticSelection());
    }
}
