using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// <c>jailbreak</c> signals: jailbreak / prompt-injection detection. <c>method</c> picks how:
/// <list type="bullet">
/// <item><c>classifier</c> (default): the shared prompt classifier's <c>jailbreak</c> head, probability ≥ <c>threshold</c>.</item>
/// <item><c>contrastive</c>: the default sentence embedder; contrast = best similarity to <c>jailbreak_patterns</c>
/// − best similarity to <c>benign_patterns</c> (the built-in sets when omitted), contrast ≥ <c>threshold</c>.</item>
/// <item><c>hybrid</c>: matches when either does — probability ≥ <c>threshold</c> or contrast ≥ <c>contrastive_threshold</c>.</item>
/// </list>
/// The contrastive default was chosen on the validation split with the MiniLM embedder (the lowest that flags ≤ 1% of
/// validation negatives). The classifier and hybrid defaults stay above what that rule gives for the MiniLM classifier
/// (0.053; 0.09 + 0.30), which refuses everyday prompts such as "summarize the plot of Hamlet" (models/README.md). <c>include_history</c> also scans earlier user
/// turns (a multi-turn attack often plants the role-play early); the highest score counts.
/// </summary>
public sealed class JailbreakSignalKind(Func<LearnedModels> models) : ISignalKind
{
    /// <summary>Classifier probability threshold of the <c>classifier</c> method.</summary>
    public const double DefaultThreshold = 0.15;

    /// <summary>Contrast threshold of the <c>contrastive</c> method.</summary>
    public const double DefaultContrastiveThreshold = 0.159;

    /// <summary>Classifier threshold of the <c>hybrid</c> method.</summary>
    public const double DefaultHybridThreshold = 0.19;

    /// <summary>Contrast threshold of the <c>hybrid</c> method.</summary>
    public const double DefaultHybridContrastiveThreshold = 0.21;

    /// <summary>Most patterns per list (each is embedded once and compared with every scanned turn).</summary>
    internal const int MaxPatterns = 256;

    /// <summary>Longest pattern in characters: patterns are short example prompts, not documents.</summary>
    internal const int MaxPatternLength = 2000;

    public string Type => "jailbreak";

    public string ConfigKey => "jailbreak";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "method", "threshold", "contrastive_threshold", "include_history", "jailbreak_patterns", "benign_patterns");
        var name = node.String("name", required: true);
        var method = node.Enum("method", "classifier", "contrastive", "hybrid") switch
        {
            "contrastive" => JailbreakMethod.Contrastive,
            "hybrid" => JailbreakMethod.Hybrid,
            _ => JailbreakMethod.Classifier,
        };
        var threshold = method == JailbreakMethod.Contrastive
            ? node.Double("threshold", -1, 1) ?? DefaultContrastiveThreshold
            : node.Double("threshold", 0, 1) ?? (method == JailbreakMethod.Hybrid ? DefaultHybridThreshold : DefaultThreshold);
        var contrastiveThreshold = DefaultHybridContrastiveThreshold;
        if (node["contrastive_threshold"].Exists)
        {
            if (method == JailbreakMethod.Hybrid)
            {
                contrastiveThreshold = node.Double("contrastive_threshold", -1, 1) ?? contrastiveThreshold;
            }
            else
            {
                node["contrastive_threshold"].Error("applies to method: hybrid only (the contrastive method uses threshold)");
            }
        }

        var history = node.Bool("include_history") ?? false;
        var ok = true;
        var jailbreak = Patterns(node, "jailbreak_patterns", method, JailbreakPatterns.DefaultJailbreak, ref ok);
        var benign = Patterns(node, "benign_patterns", method, JailbreakPatterns.DefaultBenign, ref ok);
        return name is null || !ok ? null : new JailbreakRule(name, method, threshold, history, contrastiveThreshold, jailbreak, benign);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        var typed = rules.Cast<JailbreakRule>().ToArray();
        if (typed.Any(r => r.UsesClassifier))
        {
            _ = learned.Require(LearnedModel.PromptClassifier);
        }

        if (typed.Any(r => r.UsesContrast))
        {
            _ = learned.Require(LearnedModel.SentenceEmbedder);
        }

        // Rules with the same lists (the built-in ones above all) share one set, embedded once.
        var sets = new Dictionary<IReadOnlyList<string>, CandidateSet>(ReferenceEqualityComparer.Instance);
        CandidateSet SetOf(IReadOnlyList<string> patterns) =>
            sets.TryGetValue(patterns, out var set) ? set : sets[patterns] = new CandidateSet(patterns, learned);

        return new JailbreakEvaluator(
            typed.Select(r => new JailbreakEvaluator.Compiled(r, r.UsesContrast ? new ContrastivePatterns(SetOf(r.JailbreakPatterns), SetOf(r.BenignPatterns)) : null)).ToArray(),
            learned);
    }

    private static IReadOnlyList<string> Patterns(ConfigNode rule, string key, JailbreakMethod method, IReadOnlyList<string> defaults, ref bool ok)
    {
        var node = rule[key];
        if (!node.Exists)
        {
            return defaults;
        }

        if (method == JailbreakMethod.Classifier)
        {
            node.Error("applies to method: contrastive or hybrid only");
            ok = false;
            return defaults;
        }

        if (!node.IsSequence)
        {
            node.Error("expected a list of example prompts");
            ok = false;
            return defaults;
        }

        var items = node.Items();
        if (items.Count == 0)
        {
            node.Error("must list at least one example prompt (omit the key for the built-in set)");
            ok = false;
        }
        else if (items.Count > MaxPatterns)
        {
            node.Error($"at most {MaxPatterns} patterns, got {items.Count}");
            ok = false;
        }

        var list = new List<string>(items.Count);
        foreach (var item in items)
        {
            var text = item.IsScalar ? item.String() : null;
            if (text is null || string.IsNullOrWhiteSpace(text))
            {
                item.Error("expected a non-empty string");
                ok = false;
            }
            else if (text.Length > MaxPatternLength)
            {
                item.Error($"at most {MaxPatternLength} characters, got {text.Length}");
                ok = false;
            }
            else
            {
                list.Add(text);
            }
        }

        return list;
    }
}
