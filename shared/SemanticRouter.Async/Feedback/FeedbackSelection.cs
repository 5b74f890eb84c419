using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Selection;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// <c>algorithm: {type: feedback, feedback: {exploration, min_ratings}}</c>: orders a decision's
/// modelRefs by the posterior mean of their user ratings for this decision (Beta(1,1) prior, so an
/// unrated model scores 0.5). With probability <c>exploration</c> a request is ordered by a
/// Thompson sample from each posterior instead, so a model that was unlucky early still gets
/// traffic. Ties keep the written order. The ratings are read from an in-memory view (never a
/// storage call on the request path).
/// </summary>
internal sealed class FeedbackSelection(IServiceProvider services) : IModelSelectionAlgorithm
{
    public const string TypeName = "feedback";

    public string Type => TypeName;

    public object? Bind(ConfigNode settings)
    {
        settings.CheckKeys("exploration", "min_ratings");
        return new Settings(settings.Double("exploration", 0, 1) ?? 0.1, settings.Int("min_ratings", 0, 1_000_000) ?? 1);
    }

    public IModelSelector Create(object? settings, DecisionConfig decision, RouterConfig config) =>
        new Selector(decision, (Settings?)settings ?? new Settings(0.1, 1), services);

    internal sealed record Settings(double Exploration, int MinRatings);

    private sealed class Selector(DecisionConfig decision, Settings settings, IServiceProvider services) : IModelSelector
    {
        private RatingsView? _view;

        public IReadOnlyList<ModelRefConfig> Order(RoutingContext context)
        {
            var refs = decision.ModelRefs;
            if (refs.Count < 2)
            {
                return refs;
            }

            _view ??= services.GetService<RatingsView>();
            var explore = settings.Exploration > 0 && Random.Shared.NextDouble() < settings.Exploration;
            var scored = new (ModelRefConfig Ref, double Score, int Index)[refs.Count];
            for (var i = 0; i < refs.Count; i++)
            {
                var rating = _view?.Find(decision.Name, refs[i].Model);
                double score;
                if (rating is null || rating.Count < settings.MinRatings)
                {
                    score = explore ? Beta.Sample(1, 1) : 0.5;
                }
                else
                {
                    score = explore ? Beta.Sample(1 + rating.Successes, 1 + (rating.Count - rating.Successes)) : rating.Mean;
                }

                scored[i] = (refs[i], score, i);
            }

            Array.Sort(scored, static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
            var ordered = new ModelRefConfig[scored.Length];
            for (var i = 0; i < scored.Length; i++)
            {
                ordered[i] = scored[i].Ref;
            }

            return ordered;
        }
    }
}
