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

    [Fact]
    public void Soft_assignment_weighs_each_prompt_into_every_group_by_its_probability()
    {
        // A: big right, small wrong, 0.75 math / 0.25 law; B: both right, 0.25 math / 0.75 law.
        var a = new AnswerRow("a", new Dictionary<string, double> { ["big"] = 1, ["small"] = 0 }, null);
        var b = new AnswerRow("b", new Dictionary<string, double> { ["big"] = 1, ["small"] = 1 }, null);

        var fits = ScoreFit.FitWeighted([("math", a, 0.75), ("law", a, 0.25), ("math", b, 0.25), ("law", b, 0.75)], ["big", "small"]);

        Assert.Equal(1, fits["math"].Count);
        Assert.Equal(1.0, fits["math"].Models[0].Score, 12);
        Assert.Equal(0.25, fits["math"].Models[1].Score, 12);
        Assert.Equal(0.75, fits["law"].Models[1].Score, 12);
        var yaml = FitScoresCommand.Fragment([new("math", ["math"], 0, "other")], fits, minCount: 1, prompts: 2, source: "train.jsonl", soft: true);
        Assert.Contains("with the classifier's probability for it (soft", yaml, StringComparison.Ordinal);
        Assert.Contains("model_scores: [{model: big, score: 1.000}, {model: small, score: 0.250}]", yaml, StringComparison.Ordinal);
    }
}
