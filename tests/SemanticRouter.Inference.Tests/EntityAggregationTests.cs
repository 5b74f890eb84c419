using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Tests;

public sealed class EntityAggregationTests
{
    private const string Text = "John Smith lives in New York";

    // [CLS] john smith lives in new york [SEP]
    private static readonly TokenizedText Tokens = new(
        new int[8], new int[8],
        [new(0, 0), new(0, 4), new(5, 10), new(11, 16), new(17, 19), new(20, 23), new(24, 28), new(0, 0)],
        [true, false, false, false, false, false, false, true],
        truncated: false);

    [Fact]
    public void Bio_tags_merge_into_character_spans_with_mean_scores()
    {
        var spans = TokenClassifier.Aggregate(Tokens, [("O", 1f), ("B-PER", 0.9f), ("I-PER", 0.7f), ("O", 1f), ("O", 1f), ("B-LOC", 0.8f), ("I-LOC", 0.6f), ("O", 1f)]);

        Assert.Equal(2, spans.Count);
        Assert.Equal("PER", spans[0].Label);
        Assert.Equal("John Smith", Text[spans[0].Start..spans[0].End]);
        Assert.Equal(0.8f, spans[0].Score, 5);
        Assert.Equal("New York", Text[spans[1].Start..spans[1].End]);
    }

    [Fact]
    public void B_tag_or_type_change_starts_a_new_entity_and_iob_without_b_still_opens_one()
    {
        var spans = TokenClassifier.Aggregate(Tokens, [("O", 1f), ("I-PER", 0.9f), ("B-PER", 0.7f), ("I-LOC", 0.5f), ("O", 1f), ("O", 1f), ("O", 1f), ("I-PER", 1f)]);

        Assert.Equal(["John", "Smith", "lives"], spans.Select(s => Text[s.Start..s.End]));
        Assert.Equal(["PER", "PER", "LOC"], spans.Select(s => s.Label));
    }
}
