using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticRouter.Async.HaluGate;

namespace SemanticRouter.Async.Tests.Evaluation;

/// <summary>
/// Hallucination-detector quality on context/answer pairs: responses serve as context; answers are one of their
/// sentences, verbatim, or with one number or one name substituted (seeded, so runs are comparable), plus
/// hand-written pairs. The unit test runs it on the committed <c>tests/fixtures/grounding-responses.jsonl</c>; the
/// benchmark project on HaluEval (models/README.md). Both hold the detector to the same floors.
/// </summary>
internal static partial class DetectorEvaluation
{
    public const double PrecisionFloor = 0.75;
    public const double RecallFloor = 0.8;
    public const double SpanRecallFloor = 0.75;

    internal sealed record EvalCase(string Kind, string Context, string Question, string Answer, string? GoldSpan);

    internal sealed record Result(double Precision, double Recall, double SpanPrecision, double SpanRecall, IReadOnlyList<string> Report)
    {
        public IEnumerable<string> Failures()
        {
            if (Precision < PrecisionFloor)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"precision {Precision:F3} < {PrecisionFloor}");
            }

            if (Recall < RecallFloor)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"recall {Recall:F3} < {RecallFloor}");
            }

            if (SpanRecall < SpanRecallFloor)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"span recall {SpanRecall:F3} < {SpanRecallFloor}");
            }
        }
    }

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"(?<![\w.,])\d+(?:\.\d+)?(?![\w])")]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<=[a-z,] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")]
    private static partial Regex MidSentenceName();

    public static async Task<Result> RunAsync(HallucinationAuditor auditor, IReadOnlyList<EvalCase> cases)
    {
        var (tp, fp, fn, tn) = (0, 0, 0, 0);
        var (spanHit, spanGold, spanPredicted, spanCorrect) = (0, 0, 0, 0);
        var perKind = new Dictionary<string, (int Total, int Detected)>();
        foreach (var c in cases)
        {
            var result = await auditor.AuditAsync(new AuditMessage { RequestId = "eval", Context = c.Context, Question = c.Question, Answer = c.Answer }, CancellationToken.None);
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
        var report = new List<string>
        {
            string.Create(inv, $"cases {cases.Count}: answer-level precision {precision:F3} recall {recall:F3} F1 {2 * precision * recall / Math.Max(1e-9, precision + recall):F3} (tp {tp} fp {fp} fn {fn} tn {tn})"),
            string.Create(inv, $"span-level precision {spanPrecision:F3} recall {spanRecall:F3} ({spanPredicted} predicted, {spanGold} gold)"),
        };
        foreach (var (kind, (total, detected)) in perKind.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            report.Add(string.Create(inv, $"  {kind}: flagged {detected}/{total}"));
        }

        return new Result(precision, recall, spanPrecision, spanRecall, report);
    }

    /// <summary>Rows of <c>{"query", "response"}</c> (the committed fixture's format).</summary>
    public static IEnumerable<(string Query, string Response)> ReadRows(string path)
    {
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            yield return (doc.RootElement.GetProperty("query").GetString() ?? string.Empty, doc.RootElement.GetProperty("response").GetString() ?? string.Empty);
        }
    }

    /// <summary>Each response as context; answers verbatim or with one substitution (seeded, so runs are comparable).</summary>
    public static IEnumerable<EvalCase> FromResponses(IReadOnlyList<(string Query, string Response)> rows, int maxRows)
    {
        var random = new Random(42);
        var otherNames = rows.SelectMany(r => MidSentenceName().Matches(r.Response).Select(m => m.Value)).ToList();
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

    public static IEnumerable<EvalCase> HandWritten()
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
