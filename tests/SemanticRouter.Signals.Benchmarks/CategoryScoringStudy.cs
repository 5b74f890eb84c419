using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Functions.Quality;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// The category_scoring study of docs/routing-quality.md: scoring each model by the category the domain head ranks
/// first (<c>top</c>) or by its expected score under the head's whole distribution (<c>expected</c>), with the
/// probabilities as the head gives them or temperature-scaled, and model_scores fitted with hard (top category) or soft
/// (probability-weighted) assignment. The variant is chosen by 5-fold cross-validation inside the FIT half only
/// (lowest pooled out-of-fold CPT(50%), APGR breaking ties); the evaluation half is never looked at here.
/// </summary>
internal static class CategoryScoringStudy
{
    public const int MinCount = 20;

    private const int Folds = 5;

    public static readonly IReadOnlyList<Variant> Variants =
    [
        new("top", false, 1, Hard: true),
        new("top", false, 1, Hard: false),
        .. new[] { true, false }.SelectMany(hard => new[] { 2.0, 1, 0.5, 0.25 }.Select(t => new Variant("expected", true, t, hard))),
    ];

    /// <summary>The domain head's 14 probabilities per prompt (in <paramref name="labels"/> order), cached by prompt hash.</summary>
    public static async Task<double[][]> ProbabilitiesAsync(IReadOnlyList<string> prompts, string modelsDirectory, string cacheFile)
    {
        var cache = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (File.Exists(cacheFile))
        {
            foreach (var line in File.ReadLines(cacheFile))
            {
                var parts = line.Split('\t');
                cache[parts[0]] = parts[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            }
        }

        var keys = prompts.Select(p => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(p)))).ToArray();
        // The matrix repeats a few questions (in different subjects): classify each text once.
        var missing = Enumerable.Range(0, prompts.Count).Where(i => !cache.ContainsKey(keys[i])).DistinctBy(i => keys[i]).ToArray();
        if (missing.Length > 0)
        {
            using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = modelsDirectory });
            var classifier = models.PromptClassifier;
            var labels = classifier.LabelsOf("domain");
            var order = Domain.DomainSignalKind.Categories.Select(c => labels.ToList().IndexOf(c)).ToArray();
            var found = new double[missing.Length][];
            await Parallel.ForAsync(0, missing.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (k, ct) =>
            {
                var heads = await classifier.ClassifyAsync(prompts[missing[k]], ct);
                var scores = heads["domain"].Scores;
                found[k] = order.Select(i => (double)scores[i].Score).ToArray();
            });
            await using var writer = File.AppendText(cacheFile);
            for (var k = 0; k < missing.Length; k++)
            {
                cache[keys[missing[k]]] = found[k];
                await writer.WriteLineAsync($"{keys[missing[k]]}\t{string.Join(',', found[k].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
            }
        }

        return keys.Select(k => cache[k]).ToArray();
    }

    /// <summary>Per category, each model's (strong, weak) score, or null below <see cref="MinCount"/> prompts (weighted count for soft).</summary>
    public static (double Strong, double Weak)?[] Fit(IEnumerable<int> rows, double[][] probabilities, bool[] strong, bool[] weak, bool hard)
    {
        var categories = probabilities[0].Length;
        var (n, s, w) = (new double[categories], new double[categories], new double[categories]);
        foreach (var i in rows)
        {
            var p = probabilities[i];
            for (var c = 0; c < categories; c++)
            {
                var weight = hard ? (c == Top(p) ? 1 : 0) : p[c];
                n[c] += weight;
                s[c] += weight * (strong[i] ? 1 : 0);
                w[c] += weight * (weak[i] ? 1 : 0);
            }
        }

        return Enumerable.Range(0, categories).Select(c => n[c] >= MinCount ? ((double, double)?)(s[c] / n[c], w[c] / n[c]) : null).ToArray();
    }

    /// <summary>
    /// The plan for one prompt: top scores the first-ranked category (no scores there: the strong model, as the selector
    /// keeps the written order); expected weighs every scored category by p^(1/T), renormalised over the scored ones.
    /// </summary>
    public static RoutingPlan Plan(double[] p, (double Strong, double Weak)?[] fit, Variant variant, string strongModel, string weakModel, double strongPrice, double weakPrice)
    {
        double es = 0, ew = 0, total = 0;
        if (!variant.Expected)
        {
            if (fit[Top(p)] is { } f)
            {
                (es, ew, total) = (f.Strong, f.Weak, 1);
            }
        }
        else
        {
            for (var c = 0; c < p.Length; c++)
            {
                if (fit[c] is { } f)
                {
                    var weight = Math.Pow(p[c], 1 / variant.Temperature);
                    (es, ew, total) = (es + (weight * f.Strong), ew + (weight * f.Weak), total + weight);
                }
            }
        }

        return total > 0
            ? new RoutingPlan([strongModel, weakModel], [es / total, ew / total], [strongPrice, weakPrice], 0.02)
            : RoutingPlan.Fixed(strongModel);
    }

    /// <summary>5-fold cross-validation inside the fit rows: every fit row routed by scores fitted on the other four folds.</summary>
    public static IReadOnlyList<(Variant Variant, AnswerReport Report)> CrossValidate(AnswerMatrix fitMatrix, double[][] probabilities, string strongModel, string weakModel, IReadOnlyDictionary<string, double> prices)
    {
        var rows = fitMatrix.Rows;
        var strong = rows.Select(r => r.Scores[strongModel] >= 0.5).ToArray();
        var weak = rows.Select(r => r.Scores[weakModel] >= 0.5).ToArray();

        // Folds by a second hash byte, independent of the fit/evaluation split (the first byte's parity).
        var fold = rows.Select(r => SHA256.HashData(Encoding.UTF8.GetBytes(r.Prompt))[1] % Folds).ToArray();
        var results = new List<(Variant, AnswerReport)>();
        foreach (var variant in Variants)
        {
            var plans = new RoutingPlan[rows.Count];
            for (var k = 0; k < Folds; k++)
            {
                var fit = Fit(Enumerable.Range(0, rows.Count).Where(i => fold[i] != k), probabilities, strong, weak, variant.Hard);
                for (var i = 0; i < rows.Count; i++)
                {
                    if (fold[i] == k)
                    {
                        plans[i] = Plan(probabilities[i], fit, variant, strongModel, weakModel, prices[strongModel], prices[weakModel]);
                    }
                }
            }

            results.Add((variant, AnswerEvaluation.Evaluate(fitMatrix, plans, prices, 200, 1)));
        }

        return results;
    }

    /// <summary>The chosen variant: lowest out-of-fold CPT(50%), then highest APGR.</summary>
    public static Variant Choose(IReadOnlyList<(Variant Variant, AnswerReport Report)> results) =>
        results.OrderBy(r => r.Report.Router.Cpt50.Value ?? 1).ThenByDescending(r => r.Report.Router.Apgr.Value ?? 0).First().Variant;

    public static int Top(double[] p)
    {
        var best = 0;
        for (var c = 1; c < p.Length; c++)
        {
            if (p[c] > p[best])
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>A scoring variant: top or expected, the temperature of the probabilities, and hard or soft fitting.</summary>
    public sealed record Variant(string Scoring, bool Expected, double Temperature, bool Hard)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scoring}{(Expected ? $" T={Temperature}" : string.Empty)}, {(Hard ? "hard" : "soft")} fit");
    }
}
