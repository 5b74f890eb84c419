using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Embeddings;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Async.Preference;

/// <summary>
/// <c>preference</c> signals (<c>routing.signals.preferences</c>): match the last user turn
/// against example phrasings of a preference ("keep it short", "explain like I'm five") by
/// cosine similarity of sentence embeddings. Uses the registered <see cref="ITextEmbedder"/> (the host's
/// default sentence embedder from models/) once it has loaded; when none is registered, while it loads,
/// or when it failed to load, a lexical bag-of-words cosine answers (documented in docs/feedback.md),
/// so configs stay valid without a model.
/// </summary>
internal sealed class PreferenceSignalKind(IServiceProvider services) : ISignalKind
{
    public string Type => "preference";

    public string ConfigKey => "preferences";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "examples", "threshold");
        var name = node.String("name", required: true);
        var examples = node.StringList("examples");
        var description = node.String("description");
        if (examples.Count == 0 && description is null)
        {
            node["examples"].Error("must list at least one example (or give a description)");
        }

        if (examples.Count > 64)
        {
            node["examples"].Error("at most 64 examples");
        }

        if (examples.Any(e => e.Length > 2000))
        {
            node["examples"].Error("examples must be at most 2000 characters");
        }

        var threshold = node.Double("threshold", 0, 1) ?? 0.6;
        return name is null ? null : new PreferenceRule(name, description, examples, threshold);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var embedder = services.GetService<ITextEmbedder>();
        var ready = EmbedderReady(embedder);
        return new PreferenceEvaluator(rules.Cast<PreferenceRule>().ToArray(), embedder, ready);
    }

    /// <summary>
    /// The default embedder is one of the learned models: it starts loading now (and /ready waits for it, as for
    /// the embedding signal), and until it has loaded (or when it cannot load) the lexical similarity answers.
    /// Any other registered embedder is used as it is.
    /// </summary>
    private Func<bool> EmbedderReady(ITextEmbedder? embedder)
    {
        if (embedder is null)
        {
            return static () => false;
        }

        if (embedder is not LearnedTextEmbedder || services.GetService<LearnedModels>() is not { } learned)
        {
            return static () => true;
        }

        var load = learned.Require(LearnedModel.SentenceEmbedder);
        return () => load.IsCompletedSuccessfully;
    }
}
