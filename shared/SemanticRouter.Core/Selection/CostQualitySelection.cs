using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Selection;

/// <summary>
/// <c>algorithm: {type: cost_quality, quality_tolerance: 0.02}</c>: among the decision's modelRefs, the cheapest model
/// whose <c>model_scores</c> score for the request's category is within <c>quality_tolerance</c> of the best score there.
/// The Azure AI Foundry model router's modes are aliases with a fixed tolerance: <c>balanced</c> (0.02), <c>cost</c>
/// (0.06) and <c>quality</c> (0: the best-scoring model, the cheaper one on a tie). The chosen model goes first; the
/// other modelRefs follow in written order as fallbacks. <c>category_scoring</c> (all four types) says which scores a
/// model is judged by: the matched rule's (<c>top</c>, the default) or their mean weighted by the classifier's
/// probability for each rule (<c>expected</c>; see <see cref="CategoryScoring"/>).
/// </summary>
public sealed class CostQualitySelection(RouterExtensions extensions, string type, double? fixedTolerance) : IModelSelectionAlgorithm
{
    public const string TypeName = "cost_quality";

    public const double DefaultTolerance = 0.02;

    /// <summary>The tunable algorithm and its three fixed-tolerance aliases, registered together.</summary>
    public static IEnumerable<CostQualitySelection> WithAliases(RouterExtensions extensions) =>
    [
        new(extensions, TypeName, null),
        new(extensions, "balanced", 0.02),
        new(extensions, "cost", 0.06),
        new(extensions, "quality", 0),
    ];

    public string Type => type;

    public IReadOnlyList<string> InlineKeys => fixedTolerance is null ? ["quality_tolerance", "category_scoring"] : ["category_scoring"];

    public object? Bind(ConfigNode settings)
    {
        if (fixedTolerance is not null && settings["quality_tolerance"].Exists)
        {
            settings.Error($"{type} has a fixed quality_tolerance ({fixedTolerance.Value}); use type {TypeName} to set it");
            return null;
        }

        settings.CheckKeys([.. InlineKeys]);
        return BindInline(settings);
    }

    public object? BindInline(ConfigNode algorithm)
    {
        var scoring = algorithm.Enum("category_scoring", "top", "expected") == "expected" ? CategoryScoring.Expected : CategoryScoring.Top;
        return new CostQualitySettings(fixedTolerance ?? algorithm.Double("quality_tolerance", 0, 1) ?? DefaultTolerance, scoring);
    }

    /// <summary>Every rule that carries model_scores: the selector needs the category even when no decision rule names it.</summary>
    public IEnumerable<(string Type, string Name)> ReadsSignals(DecisionConfig decision, RoutingConfig routing, RouterExtensions extensions) =>
        ScoredRules(routing, extensions).Select(r => (r.Type, r.Rule.Name));

    public IModelSelector Create(object? settings, DecisionConfig decision, RouterConfig config)
    {
        var tolerance = fixedTolerance ?? (settings as CostQualitySettings)?.QualityTolerance ?? DefaultTolerance;
        var scoring = (settings as CostQualitySettings)?.CategoryScoring ?? CategoryScoring.Top;
        var refs = decision.ModelRefs;
        var prices = refs.Select(r => Price(config.FindModel(r.Model)?.Pricing)).ToArray();
        var sources = ScoredRules(config.Routing, extensions)
            .Select(r => new ScoreSource(r.Type, r.Rule.Name, refs.Select(m => r.Rule.ModelScores.FirstOrDefault(s => s.Model == m.Model)?.Score ?? double.NaN).ToArray()))
            .ToArray();
        return new Selector(type, tolerance, scoring, refs, prices, sources);
    }

    /// <summary>
    /// The price used to compare models: the mean of the prompt and completion prices per 1M tokens (equal input and
    /// output tokens, the mix RouteLLM assumed). A model without <c>pricing</c> counts as dearer than any priced one.
    /// </summary>
    public static double Price(PricingConfig? pricing) =>
        pricing is null ? double.PositiveInfinity : (pricing.PromptPer1M + pricing.CompletionPer1M) / 2;

    /// <summary>
    /// The index of the chosen model, or -1 when no model has a score. A model is eligible when its score is at least
    /// the best score among strictly dearer models minus <paramref name="tolerance"/> (for a tolerance ≥ 0 this is
    /// "within the tolerance of the best score"; a negative tolerance, used by <c>eval --answers</c> to trace the whole
    /// curve, asks a cheaper model to beat the dearer ones by that much). The cheapest eligible model wins; equal prices
    /// go to the higher score, then to the earlier modelRef. Models without a score (NaN) are never chosen.
    /// </summary>
    public static int Choose(ReadOnlySpan<double> scores, ReadOnlySpan<double> prices, double tolerance)
    {
        var chosen = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                continue;
            }

            var dearerBest = double.NegativeInfinity;
            for (var j = 0; j < scores.Length; j++)
            {
                if (prices[j] > prices[i] && !double.IsNaN(scores[j]))
                {
                    dearerBest = Math.Max(dearerBest, scores[j]);
                }
            }

            // A small slack so a tolerance of 0.02 admits a difference that is 0.02 in decimal but not in binary.
            if (scores[i] < dearerBest - tolerance - 1e-9)
            {
                continue;
            }

            if (chosen < 0 || prices[i] < prices[chosen] || (prices[i] == prices[chosen] && scores[i] > scores[chosen]))
            {
                chosen = i;
            }
        }

        return chosen;
    }

    private static IEnumerable<(string Type, SignalRuleConfig Rule)> ScoredRules(RoutingConfig routing, RouterExtensions extensions)
    {
        foreach (var (key, rules) in routing.Signals)
        {
            if (extensions.KindByConfigKey(key) is not { SupportsModelScores: true } kind)
            {
                continue;
            }

            foreach (var rule in rules)
            {
                if (rule.ModelScores.Count > 0)
                {
                    yield return (kind.Type, rule);
                }
            }
        }
    }

    /// <summary>A rule with model_scores, its scores aligned with the decision's modelRefs (NaN: not scored).</summary>
    private sealed record ScoreSource(string Type, string Name, double[] Scores);

    private sealed class Selector : IModelSelector
    {
        private readonly string _algorithm;
        private readonly double _tolerance;
        private readonly CategoryScoring _scoring;
        private readonly IReadOnlyList<ModelRefConfig> _refs;
        private readonly double[] _prices;
        private readonly ScoreSource[] _sources;

        // The order for each possible winner, built once: the winner, then the others as written.
        private readonly IReadOnlyList<ModelRefConfig>[] _orders;

        public Selector(string algorithm, double tolerance, CategoryScoring scoring, IReadOnlyList<ModelRefConfig> refs, double[] prices, ScoreSource[] sources)
        {
            _algorithm = algorithm;
            _tolerance = tolerance;
            _scoring = scoring;
            _refs = refs;
            _prices = prices;
            _sources = sources;
            _orders = refs.Select(first => (IReadOnlyList<ModelRefConfig>)[first, .. refs.Where(r => !ReferenceEquals(r, first))]).ToArray();
        }

        public IReadOnlyList<ModelRefConfig> Order(RoutingContext context)
        {
            if (_refs.Count == 0)
            {
                return _refs;
            }

            if (_scoring == CategoryScoring.Expected && Expected(context) is { } expected)
            {
                return Pick(context, expected.Source, expected.Weights);
            }

            var source = Source(context);
            if (source is null)
            {
                context.SelectionDetail = Detail(null, 0, "no matched signal has model_scores: modelRefs in written order");
                return _refs;
            }

            return Pick(context, source, null);
        }

        private IReadOnlyList<ModelRefConfig> Pick(RoutingContext context, ScoreSource source, IReadOnlyList<CategoryWeight>? weights)
        {
            var scoresOf = weights is null ? $"{source.Type} \"{source.Name}\"" : $"the expected score over {weights.Count} {source.Type} rules";
            var winner = CostQualitySelection.Choose(source.Scores, _prices, _tolerance);
            if (winner < 0)
            {
                context.SelectionDetail = Detail(source, 0, $"{scoresOf} scores none of these models: modelRefs in written order", weights);
                return _refs;
            }

            var best = source.Scores.Where(s => !double.IsNaN(s)).Max();
            var reason = source.Scores[winner] >= best
                ? $"best score for {scoresOf}{(Tied(source, winner) ? " (cheapest of the tied)" : string.Empty)}"
                : $"cheapest model within {_tolerance} of the best score ({best}) for {scoresOf}";
            context.SelectionDetail = Detail(source, winner, reason, weights);
            return _orders[winner];
        }

        /// <summary>
        /// category_scoring: expected. Each model's score is the mean of its scores over the scored rules whose signal
        /// gives a probability, weighted by that probability (renormalised over the rules that score the model, so an
        /// unscored category neither counts as 0 nor dilutes the others). Null when no scored rule reports a
        /// probability (then the top rule is read as usual).
        /// </summary>
        private (ScoreSource Source, IReadOnlyList<CategoryWeight> Weights)? Expected(RoutingContext context)
        {
            var sum = new double[_refs.Count];
            var mass = new double[_refs.Count];
            var weights = new List<CategoryWeight>(_sources.Length);
            string? type = null;
            foreach (var s in _sources)
            {
                if (context.Signals.Find(s.Type, s.Name)?.Detail is not IRuleProbability { Probability: > 0 and var p })
                {
                    continue;
                }

                type ??= s.Type;
                weights.Add(new CategoryWeight($"{s.Type}:{s.Name}", p));
                for (var i = 0; i < sum.Length; i++)
                {
                    if (!double.IsNaN(s.Scores[i]))
                    {
                        sum[i] += p * s.Scores[i];
                        mass[i] += p;
                    }
                }
            }

            if (type is null)
            {
                return null;
            }

            var scores = new double[sum.Length];
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = mass[i] > 0 ? sum[i] / mass[i] : double.NaN;
            }

            weights.Sort((a, b) => b.Probability.CompareTo(a.Probability));
            return (new ScoreSource(type, "expected", scores), weights);
        }

        private bool Tied(ScoreSource source, int winner)
        {
            for (var i = 0; i < source.Scores.Length; i++)
            {
                if (i != winner && source.Scores[i] == source.Scores[winner])
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The decision's own matched leaves first (its rules name the category), then any matched rule in config order.</summary>
        private ScoreSource? Source(RoutingContext context)
        {
            if (context.Decision is { } decision)
            {
                foreach (var leaf in decision.MatchedLeaves)
                {
                    foreach (var s in _sources)
                    {
                        if (s.Name == leaf.Name && s.Type == leaf.Type)
                        {
                            return s;
                        }
                    }
                }
            }

            foreach (var s in _sources)
            {
                if (context.Signals.Find(s.Type, s.Name) is { Matched: true })
                {
                    return s;
                }
            }

            return null;
        }

        private CostQualityChoice Detail(ScoreSource? source, int winner, string reason, IReadOnlyList<CategoryWeight>? weights = null)
        {
            var candidates = new CostQualityCandidate[_refs.Count];
            for (var i = 0; i < candidates.Length; i++)
            {
                var score = source?.Scores[i] ?? double.NaN;
                candidates[i] = new CostQualityCandidate(_refs[i].Model, double.IsNaN(score) ? null : score, double.IsInfinity(_prices[i]) ? null : _prices[i]);
            }

            var from = source is null ? null : weights is null ? $"{source.Type}:{source.Name}" : $"{source.Type}:expected";
            return new CostQualityChoice(_algorithm, _tolerance, from, _refs[winner].Model, reason, candidates)
            {
                CategoryScoring = _scoring == CategoryScoring.Expected ? "expected" : "top",
                Weights = weights,
            };
        }
    }
}

/// <summary>Bound <c>cost_quality</c> settings.</summary>
public sealed record CostQualitySettings(double QualityTolerance, CategoryScoring CategoryScoring = CategoryScoring.Top);

/// <summary>
/// Explain detail of a cost_quality choice: where the scores came from, every candidate, the winner and why; with
/// <c>category_scoring: expected</c> the candidates' scores are expected scores and <see cref="Weights"/> lists the
/// probability each scored rule was weighted by.
/// </summary>
public sealed record CostQualityChoice(string Algorithm, double QualityTolerance, string? ScoresFrom, string Chosen, string Reason, IReadOnlyList<CostQualityCandidate> Candidates)
{
    public string CategoryScoring { get; init; } = "top";

    public IReadOnlyList<CategoryWeight>? Weights { get; init; }
}

/// <summary>A candidate's score for the request's category (null: not scored) and its price per 1M tokens (null: no pricing).</summary>
public sealed record CostQualityCandidate(string Model, double? Score, double? PricePer1M);
