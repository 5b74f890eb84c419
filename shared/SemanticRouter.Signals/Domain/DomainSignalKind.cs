using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Domain;

/// <summary>
/// <c>domain</c> signals over the 14 MMLU-Pro categories. A rule names a category (or lists
/// <c>mmlu_categories</c>); it matches when the top category is one of them with confidence ≥ <c>threshold</c>
/// (default 0.5 as the anchor's <c>classifier.domain</c>). Below the threshold the prediction becomes
/// <c>fallback_category</c> (default <c>other</c>).
/// </summary>
public sealed class DomainSignalKind(Func<LearnedModels> models) : ISignalKind
{
    public const double DefaultThreshold = 0.5;

    public static readonly IReadOnlyList<string> Categories =
    [
        "biology", "business", "chemistry", "computer science", "economics", "engineering", "health",
        "history", "law", "math", "philosophy", "physics", "psychology", "other",
    ];

    public string Type => "domain";

    public string ConfigKey => "domains";

    /// <summary><c>model_scores</c> per category, the anchor's key, read by the cost_quality selector.</summary>
    public bool SupportsModelScores => true;

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "mmlu_categories", "threshold", "fallback_category", "model_scores");
        var name = node.String("name", required: true);
        var threshold = node.Double("threshold", 0, 1) ?? DefaultThreshold;
        var fallback = Normalize(node.StringOr("fallback_category", "other"));
        if (!Categories.Contains(fallback))
        {
            node["fallback_category"].Error($"'{fallback}' is not an MMLU-Pro category ({string.Join(", ", Categories)})");
        }

        var listed = node.StringList("mmlu_categories").Select(Normalize).ToList();
        var items = node["mmlu_categories"].Items();
        for (var i = 0; i < listed.Count; i++)
        {
            if (!Categories.Contains(listed[i]))
            {
                items[i].Error($"'{listed[i]}' is not an MMLU-Pro category ({string.Join(", ", Categories)})");
            }
        }

        if (name is null)
        {
            return null;
        }

        if (listed.Count == 0)
        {
            var own = Normalize(name);
            if (!Categories.Contains(own))
            {
                node["name"].Error($"'{name}' is not an MMLU-Pro category; list the categories it covers in mmlu_categories");
                return null;
            }

            listed.Add(own);
        }

        return new DomainRule(name, listed, threshold, fallback);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.PromptClassifier);
        return new DomainEvaluator(rules.Cast<DomainRule>().ToArray(), learned);
    }

    /// <summary>Older configs spell categories with underscores (computer_science).</summary>
    public static string Normalize(string category) => category.Trim().Replace('_', ' ').ToLowerInvariant();
}
