using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Selection;

/// <summary><c>static</c>: the modelRefs in the order written; later ones are fallbacks.</summary>
public sealed class StaticSelection : IModelSelectionAlgorithm
{
    public string Type => "static";

    public IModelSelector Create(object? settings, DecisionConfig decision, RouterConfig config) => new Selector(decision.ModelRefs);

    private sealed class Selector(IReadOnlyList<ModelRefConfig> refs) : IModelSelector
    {
        public IReadOnlyList<ModelRefConfig> Order(RoutingContext context) => refs;
    }
}
