using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// A user-supplied ONNX hallucination detector through the real ONNX Runtime. The fixture
/// (models/fixtures/tiny-halu-detector, generate_halu_fixture.py) flags exactly the digit tokens of the answer
/// segment (token_type_id 1), so every expected span is known in advance.
/// </summary>
public sealed class OnnxDetectorTests
{
    internal const string FixtureName = "tiny-halu-detector";
    internal static readonly string FixtureFolder = Path.Combine(RepoPaths.Root, "models", "fixtures", FixtureName);
    private static readonly Lazy<OnnxTokenSpanDetector> Detector = new(() => OnnxTokenSpanDetector.Load(FixtureName, FixtureFolder, 0.5));

    [Fact]
    public async Task Flagged_answer_tokens_become_character_spans_of_the_answer_with_explanations()
    {
        var auditor = new HallucinationAuditor(Detector.Value);

        var result = await auditor.AuditAsync(
            new AuditMessage { RequestId = "r", Context = TestConfigs.EiffelContext, Question = "How tall is it (in m, 2024)?", Answer = TestConfigs.EiffelAnswer },
            CancellationToken.None);

        Assert.Equal(FixtureName, result.Detector);
        Assert.Equal(["324 m", "1889"], result.Spans.Select(s => s.Text));
        Assert.Equal([TestConfigs.EiffelAnswer.IndexOf("324", StringComparison.Ordinal), TestConfigs.EiffelAnswer.IndexOf("1889", StringComparison.Ordinal)], result.Spans.Select(s => s.Start));
        Assert.All(result.Spans, s => Assert.Equal(s.Text, TestConfigs.EiffelAnswer[s.Start..s.End]));

        // Where the lexical grounding knows the context's value, the span covers the whole claim (number and unit) and
        // the explanation quotes the context; otherwise the span is unsupported.
        Assert.Equal("the answer says 324 m; the context says 330 m", result.Spans[0].Explanation);
        Assert.Equal("contradiction", result.Spans[0].Label);
        Assert.Equal("token", result.Spans[1].Kind);
        Assert.Equal("the answer claims \"1889\", which the context does not support", result.Spans[1].Explanation);
        Assert.All(result.Spans, s => Assert.InRange(s.Confidence, 0.85, 0.9));
    }

    [Fact]
    public void Answer_longer_than_one_model_input_is_windowed_and_every_number_is_found()
    {
        // The fixture's maximum length is 64 tokens; this answer has several hundred, and a long digit run
        // straddles a window boundary.
        var answer = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"item {i * 37} is listed as {(i * 7919) % 1000} in the table and")) + " code 12345678901234567890.";
        var context = "Prices were listed in the catalogue from " + string.Join(", ", Enumerable.Range(0, 30).Select(i => "entry " + i)) + ".";

        var output = Detector.Value.Detect(context, "What do the items cost?", answer);

        var expected = Regex.Matches(answer, @"\d+").Select(m => (m.Index, m.Index + m.Length)).ToList();
        Assert.Equal(expected, output.Spans.Select(s => (s.Start, s.End)));
        Assert.Contains(output.Spans, s => s.Text == "12345678901234567890");
    }

    [Fact]
    public async Task Answer_without_flagged_tokens_is_grounded()
    {
        var auditor = new HallucinationAuditor(Detector.Value);

        var result = await auditor.AuditAsync(
            new AuditMessage { RequestId = "r", Context = TestConfigs.EiffelContext + " It stands 330 m tall.", Question = "Where is it?", Answer = "The Eiffel Tower is in Paris and was designed by the company of Gustave Eiffel." },
            CancellationToken.None);

        Assert.False(result.HallucinationDetected);
        Assert.Empty(result.Spans);
    }

    [Fact]
    public async Task Detector_model_is_found_through_the_manifest_and_checked()
    {
        using var models = new TemporaryModels();
        var bert = Path.Combine(RepoPaths.Root, "models", "fixtures", "tiny-bert-classifier");
        models.Add("halu", FixtureFolder);
        models.Add("classifier", bert);
        await models.WriteManifestAsync();

        Assert.Equal(Path.Combine(models.Directory, "halu"), await DetectorModelResolver.ResolveAsync(models.Directory, "halu"));

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => DetectorModelResolver.ResolveAsync(models.Directory, "nope"));
        Assert.Contains("HALUGATE_DETECTOR_MODEL names 'nope', which is not in", missing.Message, StringComparison.Ordinal);
        Assert.Contains("halu", missing.Message, StringComparison.Ordinal);

        var kind = await Assert.ThrowsAsync<InvalidOperationException>(() => DetectorModelResolver.ResolveAsync(models.Directory, "classifier"));
        Assert.Contains("HALUGATE_DETECTOR_MODEL names 'classifier', whose kind is 'sequence-classifier'", kind.Message, StringComparison.Ordinal);

        File.AppendAllText(Path.Combine(models.Directory, "halu", "config.json"), " ");
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => DetectorModelResolver.ResolveAsync(models.Directory, "halu"));
        Assert.Contains("does not match the manifest", changed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detector_settings_are_validated_with_their_names()
    {
        var name = Assert.Throws<InvalidOperationException>(() => AsyncSettings.FromSettings(s => s == AsyncSettings.DetectorModelSetting ? "../etc/passwd" : null));
        Assert.StartsWith("HALUGATE_DETECTOR_MODEL must name a model", name.Message, StringComparison.Ordinal);

        var threshold = Assert.Throws<InvalidOperationException>(() => AsyncSettings.FromSettings(s => s == AsyncSettings.DetectorThresholdSetting ? "1.5" : null));
        Assert.StartsWith("HALUGATE_DETECTOR_THRESHOLD must be a number", threshold.Message, StringComparison.Ordinal);

        var ok = AsyncSettings.FromSettings(s => s switch { AsyncSettings.DetectorModelSetting => " halu-detector ", AsyncSettings.DetectorThresholdSetting => "0.7", _ => null });
        Assert.Equal("halu-detector", ok.DetectorModel);
        Assert.Equal(0.7, ok.DetectorThreshold);
    }

    [Fact]
    public async Task Router_audits_with_the_manifest_model_named_by_the_app_setting_inline_and_through_the_queue()
    {
        using var models = new TemporaryModels();
        models.Add("halu-detector", FixtureFolder);
        await models.WriteManifestAsync();
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => TestConfigs.EiffelAnswer;
        await using var router = await RouterUnderTest.StartAsync(
            TestConfigs.Router(backend.BaseUrl, "both"),
            azurite: null,
            new Dictionary<string, string> { [AsyncSettings.DetectorModelSetting] = "halu-detector" },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = models.Directory }));

        var requestId = "req-onnx-" + Guid.NewGuid().ToString("N");
        using var request = TestConfigs.EiffelRequest(requestId: requestId);
        using var response = await router.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-vsr-hallucination-detected").Single());
        Assert.Equal("324 m; 1889", response.Headers.GetValues("x-vsr-hallucination-spans").Single());

        var audit = await Eventually.GetAsync(async () =>
        {
            using var r = await router.Http.GetAsync($"/api/v1/audits/{requestId}");
            return r.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await r.Content.ReadAsStringAsync()) : null;
        }, what: "the audit result");
        Assert.Equal("halu-detector", audit["detector"]!.GetValue<string>());
        Assert.Equal(["324 m", "1889"], audit["spans"]!.AsArray().Select(s => s!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Detector_model_missing_from_the_manifest_stops_startup_with_the_setting_named()
    {
        using var models = new TemporaryModels();
        models.Add("halu-detector", FixtureFolder);
        await models.WriteManifestAsync();
        await using var backend = await LoopbackBackend.StartAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RouterUnderTest.StartAsync(
            TestConfigs.Router(backend.BaseUrl),
            azurite: null,
            new Dictionary<string, string> { [AsyncSettings.DetectorModelSetting] = "lettuce-large" },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = models.Directory })));

        Assert.Contains("HALUGATE_DETECTOR_MODEL names 'lettuce-large'", error.GetBaseException().Message, StringComparison.Ordinal);
    }
}
