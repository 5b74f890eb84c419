using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Tests;

/// <summary>The anchor's rule semantics and selection strategies.</summary>
public sealed class DecisionSemanticsTests
{
    private static RuleNodeConfig Leaf(string name) => new(null, [], "keyword", name);

    private static RuleNodeConfig Op(string op, params RuleNodeConfig[] children) => new(op, children, null, null);

    private static SignalResults Results(params (string Name, bool Matched, double Confidence)[] matches) =>
        new(matches.Select(m => new SignalMatch("keyword", m.Name, m.Matched, m.Confidence)).ToList());

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public void A_leaf_finds_its_own_result_by_type_and_name_whatever_the_number_of_signals(int signals)
    {
        var matches = Enumerable.Range(0, signals).Select(i => new SignalMatch(i % 2 == 0 ? "keyword" : "domain", "s" + i, true, i / 100.0)).ToList();
        matches.Add(new SignalMatch("keyword", "s0", false, 0.5)); // a later result for the same leaf replaces the first
        var results = new SignalResults(matches);

        Assert.Equal(0.01, results.Find("domain", "s1")!.Confidence);
        Assert.Null(results.Find("keyword", "s1"));
        Assert.Null(results.Find("domain", "missing"));
        Assert.Equal((false, 0.5), (results.Find("keyword", "s0")!.Matched, results.Find("keyword", "s0")!.Confidence));
        Assert.Equal(signals + 1, results.All.Count);
    }

    [Fact]
    public void And_matches_with_the_mean_confidence_of_its_children()
    {
        var (matched, confidence) = RuleEvaluator.Evaluate(Op("AND", Leaf("a"), Leaf("b")), Results(("a", true, 0.9), ("b", true, 0.5)), null);
        Assert.True(matched);
        Assert.Equal(0.7, confidence, 6);

        Assert.False(RuleEvaluator.Evaluate(Op("AND", Leaf("a"), Leaf("b")), Results(("a", true, 0.9), ("b", false, 0)), null).Matched);
    }

    [Fact]
    public void Empty_and_is_a_catch_all_with_zero_confidence()
    {
        Assert.Equal((true, 0.0), RuleEvaluator.Evaluate(RuleNodeConfig.CatchAll, SignalResults.Empty, null));
    }

    [Fact]
    public void Or_takes_the_best_matching_child()
    {
        Assert.Equal((true, 0.8), RuleEvaluator.Evaluate(Op("OR", Leaf("a"), Leaf("b"), Leaf("c")), Results(("a", true, 0.3), ("b", true, 0.8), ("c", false, 0.99)), null));
        Assert.False(RuleEvaluator.Evaluate(Op("OR", Leaf("a")), Results(("a", false, 0.9)), null).Matched);
    }

    [Fact]
    public void Not_matches_with_confidence_one_when_its_child_does_not()
    {
        Assert.Equal((true, 1.0), RuleEvaluator.Evaluate(Op("NOT", Leaf("a")), Results(("a", false, 0)), null));
        Assert.False(RuleEvaluator.Evaluate(Op("NOT", Leaf("a")), Results(("a", true, 1)), null).Matched);
        Assert.Equal((true, 1.0), RuleEvaluator.Evaluate(Op("NOT", Leaf("missing")), SignalResults.Empty, null));
    }

    [Fact]
    public void Priority_strategy_prefers_priority_then_confidence_then_name()
    {
        var decisions = new[]
        {
            Decision("low_priority_sure", 10, Leaf("sure")),
            Decision("high_priority_unsure", 20, Leaf("unsure")),
            Decision("catch_all", 1, RuleNodeConfig.CatchAll),
        };
        var results = Results(("sure", true, 1.0), ("unsure", true, 0.2));

        Assert.Equal("high_priority_unsure", new DecisionEngine(decisions, RoutingStrategy.Priority).Select(results)!.Decision.Name);
        Assert.Equal("low_priority_sure", new DecisionEngine(decisions, RoutingStrategy.Confidence).Select(results)!.Decision.Name);
    }

    [Fact]
    public void Ties_are_broken_by_name_and_catch_all_wins_when_nothing_else_matches()
    {
        var decisions = new[] { Decision("b", 5, Leaf("x")), Decision("a", 5, Leaf("x")), Decision("fallback", 0, RuleNodeConfig.CatchAll) };
        Assert.Equal("a", new DecisionEngine(decisions, RoutingStrategy.Priority).Select(Results(("x", true, 1)))!.Decision.Name);
        Assert.Equal("fallback", new DecisionEngine(decisions, RoutingStrategy.Priority).Select(Results(("x", false, 0)))!.Decision.Name);
        Assert.Null(new DecisionEngine(decisions[..2], RoutingStrategy.Priority).Select(Results(("x", false, 0))));
    }

    private static DecisionConfig Decision(string name, int priority, RuleNodeConfig rules) =>
        new(name, null, priority, rules, [], AlgorithmConfig.Static, []);
}
