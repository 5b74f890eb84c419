using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Quality;
using SemanticRouter.Signals.Domain;

namespace SemanticRouter.Functions.Tests.Quality;

/// <summary>fit-scores' statistics and the config fragment it writes.</summary>
public sealed class ScoreFitTests
{
    [Fact]
    public void Correct_or_not_scores_get_the_wilson_interval()
    {
        var fit = ScoreFit.Interval("m", [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
        Assert.Equal(0.7, fit.Score, 12);
        Assert.Equal(0.3968, fit.Low, 4);
        Assert.Equal(0.8922, fit.High, 4);
    }

    [Fact]
    public void Graded_scores_get_the_normal_interval()
    {
        var fit = ScoreFit.Interval("m", [0.5, 0.7, 0.9]);
        Assert.Equal(0.7, fit.Score, 12);
        Assert.Equal(0.7 - (1.959963984540054 * 0.2 / Math.Sqrt(3)), fit.Low, 9);
    }

    [Fact]
    public void The_fragment_scores_rules_with_enough_prompts_and_keeps_their_settings()
    {
        var rows = new List<(string, AnswerRow)>();
        for (var i = 0; i < 4; i++)
        {
            rows.Add(("math", new AnswerRow("p", new Dictionary<string, double> { ["big"] = 1, ["small"] = i < 3 ? 1 : 0 }, null)));
        }

        rows.Add(("stem", new AnswerRow("p", new Dictionary<string, double> { ["big"] = 1, ["small"] = 0 }, null)));
        var fits = ScoreFit.Fit(rows, ["big", "small"]);
        DomainRule[] rules = [new("math", ["math"], 0, "other"), new("stem", ["physics", "computer science"], 0.4, "other"), new("law", ["law"], 0.5, "other")];

        var yaml = FitScoresCommand.Fragment(rules, fits, minCount: 2, prompts: 5, source: "train.jsonl");

        Assert.Contains("# 4 prompts: big 1.000 [0.510, 1.000]; small 0.750", yaml, StringComparison.Ordinal);
        Assert.Contains("model_scores: [{model: big, score: 1.000}, {model: small, score: 0.750}]", yaml, StringComparison.Ordinal);
        Assert.Contains("mmlu_categories: [physics, computer science]", yaml, StringComparison.Ordinal);
        Assert.Contains("# 1 prompts (fewer than 2): no model_scores", yaml, StringComparison.Ordinal);
        Assert.Contains("# 0 prompts (fewer than 2)", yaml, StringComparison.Ordinal);
        Assert.Equal(1, yaml.Split("model_scores:").Length - 1);
    }
}
