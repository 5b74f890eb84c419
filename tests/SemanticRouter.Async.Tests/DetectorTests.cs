using SemanticRouter.Async.HaluGate;

namespace SemanticRouter.Async.Tests;

/// <summary>The default (lexical grounding) detector and the three audit stages on hand-made cases.</summary>
public sealed class DetectorTests
{
    private static readonly HallucinationAuditor Auditor = new(new LexicalGroundingDetector());

    private static Task<AuditResult> AuditAsync(string context, string question, string answer) =>
        Auditor.AuditAsync(new AuditMessage { RequestId = "t", Context = context, Question = question, Answer = answer }, CancellationToken.None);

    [Fact]
    public async Task Changed_quantity_is_a_contradiction_explained_with_the_context_value()
    {
        var result = await AuditAsync(TestConfigs.EiffelContext, "How tall is the Eiffel Tower?", TestConfigs.EiffelAnswer);

        var span = Assert.Single(result.Spans);
        Assert.Equal("the answer says 324 m; the context says 330 m", span.Explanation);
        Assert.Equal(4, span.Severity);
        Assert.Equal(4, result.MaxSeverity);
    }

    [Fact]
    public async Task Faithful_answer_with_reformatted_numbers_and_names_has_no_spans()
    {
        var context = "Acme Corp reported revenue of $1,234,567 in 2023. The company, led by Maria Lopez, employs 5,400 people in Berlin.";
        var answer = "In 2023, Acme Corp's revenue was about $1.2 million, and Lopez leads its 5400 employees in Berlin.";

        var result = await AuditAsync(context, "Summarise Acme's 2023 results.", answer);

        Assert.True(result.NeedsFactCheck);
        Assert.False(result.HallucinationDetected, string.Join("; ", result.Spans.Select(s => s.Explanation)));
    }

    [Fact]
    public async Task Substituted_name_is_flagged_with_the_context_counterpart()
    {
        var context = "The telephone was patented by Alexander Graham Bell in 1876 in Boston.";
        var answer = "The telephone was patented by Thomas Edison in 1876 in Boston.";

        var result = await AuditAsync(context, "Who patented the telephone?", answer);

        var span = Assert.Single(result.Spans);
        Assert.Equal("Thomas Edison", span.Text);
        Assert.Equal("entity", span.Kind);
        Assert.StartsWith("the answer names Thomas Edison", span.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_year_is_flagged_and_unit_mismatch_counts_as_unsupported()
    {
        var context = "The bridge opened in 1937 and its main span is 1,280 m long.";
        var result = await AuditAsync(context, "Tell me about the bridge.", "The bridge opened in 1933 and its main span is 1,280 ft long.");

        Assert.Equal(["1933", "1,280 ft"], result.Spans.Select(s => s.Text));
        Assert.Equal("the answer says 1933; the context says 1937", result.Spans[0].Explanation);
    }

    [Fact]
    public async Task Creative_requests_and_answers_without_claims_need_no_fact_check()
    {
        var creative = await AuditAsync(TestConfigs.EiffelContext, "Write a short poem about the tower", "Iron lace at 900 feet, Paris at its feet.");
        var plain = await AuditAsync(TestConfigs.EiffelContext, "Is it pretty?", "yes, many people find it beautiful.");

        Assert.False(creative.NeedsFactCheck);
        Assert.Equal("creative request", creative.FactCheckReason);
        Assert.False(plain.NeedsFactCheck);
        Assert.Empty(creative.Spans);
    }

    [Fact]
    public async Task Without_context_the_audit_reports_missing_context_instead_of_guessing()
    {
        var result = await AuditAsync(string.Empty, "How tall is the Eiffel Tower?", TestConfigs.EiffelAnswer);

        Assert.True(result.ContextMissing);
        Assert.True(result.NeedsFactCheck);
        Assert.False(result.HallucinationDetected);
    }
}
