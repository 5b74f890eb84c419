using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;
using SemanticRouter.Core.Signals.Keyword;
using SemanticRouter.Testing;

namespace SemanticRouter.Benchmarks;

/// <summary>
/// Keyword evaluation with each rule's keywords joined into one scan against the same rules scanned keyword by
/// keyword (the baseline), same prompts, same run: 8 rules of 12 keywords, prompts of ~300 characters of which
/// one in ten carries a keyword.
/// </summary>
internal static class KeywordScanRun
{
    private static readonly string[] Topics = ["math", "code", "law", "medicine", "finance", "travel", "cooking", "music"];
    private static readonly string[] Filler = ["please", "explain", "how", "the", "system", "works", "when", "we", "change", "one", "small", "detail", "and", "what", "happens", "next", "in", "practice", "for", "a", "team"];

    public static async Task<string> RunAsync(int iterations)
    {
        var rules = Topics.Select(topic =>
            $"- {{name: {topic}, operator: OR, keywords: [{string.Join(", ", Enumerable.Range(0, 12).Select(i => $"{topic}word{i}"))}], case_sensitive: false}}");
        var yaml = RouterYaml.SignalsOnly("keywords", rules);
        var extensions = RouterExtensionsDefaults.CreateCore();
        var config = new RouterConfigLoader(extensions, _ => null).Load(yaml);
        var kind = extensions.KindByConfigKey("keywords")!;
        var joined = kind.CreateEvaluator(config.Routing.Signals["keywords"]);
        var perKeyword = kind.CreateEvaluator(config.Routing.Signals["keywords"].Cast<KeywordRule>().Select(r => r with { AnyMatcher = null }).ToList());

        var random = new Random(7);
        var contexts = Enumerable.Range(0, 1000).Select(i =>
        {
            var words = Enumerable.Range(0, 50).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            if (i % 10 == 0)
            {
                words.Insert(random.Next(words.Count), $"{Topics[random.Next(Topics.Length)]}word{random.Next(12)}");
            }

            var body = $$"""{"model":"MoM","messages":[{"role":"user","content":{{JsonSerializer.Serialize(string.Join(' ', words))}}}]}""";
            return new SignalContext(ChatRequest.Parse(Encoding.UTF8.GetBytes(body), 100), new Dictionary<string, string>());
        }).ToArray();

        // Both must agree before either is timed.
        foreach (var context in contexts)
        {
            var a = await joined.EvaluateAsync(context, CancellationToken.None);
            var b = await perKeyword.EvaluateAsync(context, CancellationToken.None);
            if (!a.Select(m => m.Matched).SequenceEqual(b.Select(m => m.Matched)))
            {
                throw new InvalidOperationException("joined and per-keyword scans disagree");
            }
        }

        var baseline = await TimeAsync(perKeyword, contexts, iterations);
        var candidate = await TimeAsync(joined, contexts, iterations);
        return FormattableString.Invariant(
            $"Keyword evaluation, 8 rules x 12 keywords, ~300-character prompts (1 in 10 with a keyword): per-keyword scans {baseline:F2} µs, joined scan {candidate:F2} µs per request ({baseline / candidate:F1}x faster)");
    }

    private static async Task<double> TimeAsync(ISignalEvaluator evaluator, SignalContext[] contexts, int iterations)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            await evaluator.EvaluateAsync(contexts[i % contexts.Length], CancellationToken.None);
        }

        return watch.Elapsed.TotalMicroseconds / iterations;
    }
}
