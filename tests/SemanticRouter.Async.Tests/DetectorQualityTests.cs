using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Testing;
using Xunit.Abstractions;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// Default-detector quality on context/answer pairs built from HaluEval (responses labelled
/// non-hallucinated serve as context; answers are one of its sentences, verbatim, or with one
/// number or one name substituted) plus hand-written pairs. Prints precision/recall (reported in
/// models/README.md) and fails if they drop below the floors.
/// </summary>
public sealed partial class DetectorQualityTests(ITestOutputHelper output)
{
    /// <summary>Set to an exported detector's folder to measure it on the same cases instead of the lexical default.</summary>
    private const string DetectorFolderVariable = "HALUGATE_EVAL_DETECTOR_FOLDER";

    private static readonly HallucinationAuditor Auditor = new(Environment.GetEnvironmentVariable(DetectorFolderVariable) is { Length: > 0 } folder
        ? OnnxTokenSpanDetector.Load(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), folder, threshold: 0.5)
        : new LexicalGroundingDetector());

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"(?<![\w.,])\d+(?:\.\d+)?(?![\w])")]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<=[a-z,] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")]
    private static partial Regex MidSentenceName();

    [Fact]
    public async Task Default_detector_meets_its_precision_and_recall_floors()
    {
        var cases = HandWritten().Concat(FromHaluEval(600)).ToList();
        var (tp, fp, fn, tn) = (0, 0, 0, 0);
        var (spanHit, spanGold, spanPredicted, spanCorrect) = (0, 0, 0, 0);
        var perKind = new Dictionary<string, (int Total, int Detected)>();
        foreach (var c in cases)
        {
            var result = await Auditor.AuditAsync(new AuditMessage { RequestId = "eval", Context = c.Context, Question = c.Question, Answer = c.Answer }, CancellationToken.None);
            var predicted = result.HallucinationDetected;
            var gold = c.GoldSpan is not null;
            (tp, fp, fn, tn) = (gold, predicted) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (false, true) => (tp, fp + 1, fn, tn),
                (true, false) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
            var k = perKind.GetValueOrDefault(c.Kind);
            perKind[c.Kind] = (k.Total + 1, k.Detected + (predicted ? 1 : 0));
            spanPredicted += result.Spans.Count;
            if (gold)
            {
                spanGold++;
                var start = c.Answer.IndexOf(c.GoldSpan!, StringComparison.Ordinal);
                var hit = result.Spans.Any(s => s.Start < start + c.GoldSpan!.Length && start < s.End);
                spanHit += hit ? 1 : 0;
                spanCorrect += result.Spans.Count(s => s.Start < start + c.GoldSpan!.Length && start < s.End);
            }
        }

        var precision = tp / (double)Math.Max(1, tp + fp);
        var recall = tp / (double)Math.Max(1, tp + fn);
        var spanPrecision = spanCorrect / (double)Math.Max(1, spanPredicted);
        var spanRecall = spanHit / (double)Math.Max(1, spanGold);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"cases {cases.Count}: answer-level precision {precision:F3} recall {recall:F3} F1 {2 * precision * recall / Math.Max(1e-9, precision + recall):F3} (tp {tp} fp {fp} fn {fn} tn {tn})"));
        output.WriteLine(string.Create(inv, $"span-level precision {spanPrecision:F3} recall {spanRecall:F3} ({spanPredicted} predicted, {spanGold} gold)"));
        foreach (var (kind, (total, detected)) in perKind.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(inv, $"  {kind}: flagged {detected}/{total}"));
        }

        Assert.True(precision >= 0.75, $"precision {precision:F3}");
        Assert.True(recall >= 0.8, $"recall {recall:F3}");
        Assert.True(spanRecall >= 0.75, $"span recall {spanRecall:F3}");
    }

    internal sealed record EvalCase(string Kind, string Context, string Question, string Answer, string? GoldSpan);

    /// <summary>HaluEval "no" responses as context; answers verbatim or with one substitution (seeded, so runs are comparable).</summary>
    internal static IEnumerable<EvalCase> FromHaluEval(int maxRows)
    {
        var path = Path.Combine(RepoPaths.SharedData, "hallucination", "halueval-general", "general_data.json");
        Assert.True(File.Exists(path), "dataset missing: " + path);
        var random = new Random(42);
        var otherNames = new List<string>();
        var rows = new List<(string Query, string Response)>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            if (r.GetProperty("hallucination").GetString() != "no")
            {
                continue;
            }

            var response = r.GetProperty("chatgpt_response").GetString() ?? string.Empty;
            rows.Add((r.GetProperty("user_query").GetString() ?? string.Empty, response));
            otherNames.AddRange(MidSentenceName().Matches(response).Select(m => m.Value));
        }

        var produced = 0;
        foreach (var (query, response) in rows)
        {
            if (produced >= maxRows)
            {
                yield break;
            }

            var sentences = SentenceSplit().Split(response).Where(s => s.Length is > 30 and < 400).ToList();
            var withNumber = sentences.Where(s => Number().IsMatch(s)).ToList();
            var withName = sentences.Where(s => MidSentenceName().IsMatch(s)).ToList();
            if (withNumber.Count == 0 && withName.Count == 0)
            {
                continue;
            }

            var sentence = (withNumber.Count > 0 ? withNumber : withName)[random.Next(withNumber.Count > 0 ? withNumber.Count : withName.Count)];
            produced++;
            yield return new EvalCase("faithful", response, query, sentence, null);

            if (withNumber.Count > 0)
            {
                var s = withNumber[random.Next(withNumber.Count)];
                var matches = Number().Matches(s);
                var m = matches[random.Next(matches.Count)];
                var value = double.Parse(m.Value, CultureInfo.InvariantCulture);
                var changed = value >= 1000 && value <= 2100 && !m.Value.Contains('.', StringComparison.Ordinal)
                    ? (value + (random.Next(2) == 0 ? -1 : 1) * random.Next(2, 15)).ToString(CultureInfo.InvariantCulture)
                    : Math.Round(value * (random.Next(2) == 0 ? 1.3 : 0.6) + 1, m.Value.Contains('.', StringComparison.Ordinal) ? 1 : 0).ToString(CultureInfo.InvariantCulture);
                if (!response.Contains(changed, StringComparison.Ordinal))
                {
                    yield return new EvalCase("number-substituted", response, query, s[..m.Index] + changed + s[(m.Index + m.Length)..], changed);
                }
            }

            if (withName.Count > 0)
            {
                var s = withName[random.Next(withName.Count)];
                var m = MidSentenceName().Match(s);
                var replacement = otherNames[random.Next(otherNames.Count)];
                if (!response.Contains(replacement, StringComparison.OrdinalIgnoreCase) && !query.Contains(replacement, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new EvalCase("name-substituted", response, query, s[..m.Index] + replacement + s[(m.Index + m.Length)..], replacement);
                }
            }
        }
    }

    internal static IEnumerable<EvalCase> HandWritten()
    {
        const string Tower = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 for the World's Fair and was designed by the company of Gustave Eiffel.";
        yield return new("hand", Tower, "How tall is it?", "It is 330 m tall.", null);
        yield return new("hand", Tower, "How tall is it?", "The tower is 324 m tall.", "324 m");
        yield return new("hand", Tower, "When was it finished?", "It was completed in 1887.", "1887");
        yield return new("hand", Tower, "Who designed it?", "It was designed by the company of Gustave Eiffel.", null);
        yield return new("hand", Tower, "Who designed it?", "It was designed by Le Corbusier.", "Le Corbusier");
        yield return new("hand", Tower, "Where is it?", "The Eiffel Tower stands in Lyon.", "Lyon");
        const string Drug = "Ibuprofen is usually taken at 200 to 400 mg every 4 to 6 hours. Adults should not exceed 1,200 mg per day without medical advice.";
        yield return new("hand", Drug, "What is the daily limit?", "Without medical advice, adults should not exceed 1200 mg per day.", null);
        yield return new("hand", Drug, "What is the daily limit?", "Adults may take up to 2,400 mg per day.", "2,400 mg");
        yield return new("hand", Drug, "How often?", "Every 4 to 6 hours.", null);
        yield return new("hand", Drug, "How often?", "Every 2 to 3 hours.", "2");
        const string Company = "Contoso was founded in 1998 by Priya Raman in Seattle. In 2024 it had 12,500 employees and revenue of $3.1 billion.";
        yield return new("hand", Company, "Who founded Contoso?", "Priya Raman founded Contoso in Seattle in 1998.", null);
        yield return new("hand", Company, "Who founded Contoso?", "Contoso was founded by Daniel Kim in 1998.", "Daniel Kim");
        yield return new("hand", Company, "How big is it?", "It employs about 12,500 people and earns $3.1 billion a year.", null);
        yield return new("hand", Company, "How big is it?", "It employs about 15,000 people.", "15,000");
        yield return new("hand", Company, "How big is it?", "Revenue in 2024 was $4.8 billion.", "$4.8 billion");
    }
}
