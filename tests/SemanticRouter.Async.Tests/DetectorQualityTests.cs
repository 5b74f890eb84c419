using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.Tests.Evaluation;
using SemanticRouter.Testing;
using Xunit.Abstractions;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// Default-detector quality on the committed grounding fixture (40 short factual responses as context, answers
/// verbatim or with one number or name substituted) plus hand-written pairs; fails below the same floors as the
/// HaluEval evaluation in tests/SemanticRouter.Async.Benchmarks (`-- detector-quality`), which models/README.md reports.
/// </summary>
public sealed class DetectorQualityTests(ITestOutputHelper output)
{
    /// <summary>Set to an exported detector's folder to measure it on the same cases instead of the lexical default.</summary>
    private const string DetectorFolderVariable = "HALUGATE_EVAL_DETECTOR_FOLDER";

    [Fact]
    public async Task Default_detector_meets_its_precision_and_recall_floors()
    {
        var auditor = new HallucinationAuditor(Environment.GetEnvironmentVariable(DetectorFolderVariable) is { Length: > 0 } folder
            ? OnnxTokenSpanDetector.Load(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), folder, threshold: 0.5)
            : new LexicalGroundingDetector());
        var rows = DetectorEvaluation.ReadRows(Path.Combine(FixtureTexts.Folder, "grounding-responses.jsonl")).ToList();
        var cases = DetectorEvaluation.HandWritten().Concat(DetectorEvaluation.FromResponses(rows, int.MaxValue)).ToList();
        Assert.True(cases.Count(c => c.GoldSpan is not null) >= 60, "too few substituted answers to measure recall");

        var result = await DetectorEvaluation.RunAsync(auditor, cases);
        foreach (var line in result.Report)
        {
            output.WriteLine(line);
        }

        Assert.Empty(result.Failures());
    }
}
