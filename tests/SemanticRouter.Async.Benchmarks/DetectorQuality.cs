using System.Text.Json;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.Tests.Evaluation;
using SemanticRouter.Testing;

/// <summary>
/// The HaluEval evaluation of the hallucination detector behind models/README.md: the 600 first usable responses
/// labelled non-hallucinated (../shared/data/hallucination/halueval-general, MIT) as context, plus the hand-written
/// pairs; the unit test runs the same code on a committed fixture.
/// </summary>
internal static class DetectorQuality
{
    public static async Task<int> RunAsync(string? detectorFolder)
    {
        var path = Path.Combine(RepoPaths.SharedData, "hallucination", "halueval-general", "general_data.json");
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"dataset missing: {path} (the datasets folder beside the checkout)");
            return 2;
        }

        var rows = new List<(string Query, string Response)>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            if (r.GetProperty("hallucination").GetString() == "no")
            {
                rows.Add((r.GetProperty("user_query").GetString() ?? string.Empty, r.GetProperty("chatgpt_response").GetString() ?? string.Empty));
            }
        }

        var auditor = new HallucinationAuditor(detectorFolder is { Length: > 0 }
            ? OnnxTokenSpanDetector.Load(Path.GetFileName(Path.TrimEndingDirectorySeparator(detectorFolder)), detectorFolder, threshold: 0.5)
            : new LexicalGroundingDetector());
        var cases = DetectorEvaluation.HandWritten().Concat(DetectorEvaluation.FromResponses(rows, 600)).ToList();
        var result = await DetectorEvaluation.RunAsync(auditor, cases);
        foreach (var line in result.Report)
        {
            Console.WriteLine(line);
        }

        var failures = result.Failures().ToList();
        foreach (var failure in failures)
        {
            Console.WriteLine("below floor: " + failure);
        }

        return failures.Count == 0 ? 0 : 1;
    }
}
