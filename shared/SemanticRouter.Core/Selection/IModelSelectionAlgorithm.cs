using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Selection;

/// <summary>A model-selection algorithm named by a decision's <c>algorithm.type</c>.</summary>
public interface IModelSelectionAlgorithm
{
    string Type { get; }

    /// <summary>Binds the algorithm's settings block (<c>algorithm.&lt;type&gt;</c>); null settings are fine.</summary>
    object? Bind(ConfigNode settings) => null;

    IModelSelector Create(object? settings, DecisionConfig decision, RouterConfig config);
}

/// <summary>Orders a decision's candidate models for one request: the first is chosen, the rest are fallbacks.</summary>
public interface IModelSelector
{
    IReadOnlyList<ModelRefConfig> Order(RoutingContext context);
}
