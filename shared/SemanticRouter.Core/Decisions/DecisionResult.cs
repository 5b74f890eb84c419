using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Decisions;

/// <summary>The decision that won, how confidently, and the leaves that made it match.</summary>
public sealed record DecisionResult(DecisionConfig Decision, double Confidence, IReadOnlyList<SignalMatch> MatchedLeaves);
