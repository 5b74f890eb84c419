using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Selection;

/// <summary>A model-selection algorithm named by a decision's <c>algorithm.type</c>.</summary>
public interface IModelSelectionAlgorithm
{
    string Type { get; }

    /// <summary>Binds the algorithm's settings block (<c>algorithm.&lt;type&gt;</c>); null settings are fine.</summary>
    object? Bind(ConfigNode settings) => null;

    /// <summary>Settings keys the algorithm also accepts directly on <c>algorithm</c> (<c>{type: cost_quality, quality_tolerance: 0.02}</c>).</summary>
    IReadOnlyList<string> InlineKeys => [];

    /// <summary>Binds the <see cref="InlineKeys"/> read from the <c>algorithm</c> node itself (its keys are already checked).</summary>
    object? BindInline(ConfigNode algorithm) => null;

    /// <summary>Signal leaves the selector reads besides the decision's own rules, so they are evaluated too.</summary>
    IEnumerable<(string Type, string Name)> ReadsSignals(DecisionConfig decision, RoutingConfig routing, RouterExtensions extensions) => [];

    IModelSelector Create(object? settings, DecisionConfig decision, RouterConfig config);
}

/// <summary>Orders a decision's candidate models for one request: the first is chosen, the rest are fallbacks.</summary>
public interface IModelSelector
{
    IReadOnlyList<ModelRefConfig> Order(RoutingContext context);
}
