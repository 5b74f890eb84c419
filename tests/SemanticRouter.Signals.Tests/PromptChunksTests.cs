using SemanticRouter.Signals.Jailbreak;

namespace SemanticRouter.Signals.Tests;

/// <summary>How the contrastive jailbreak method cuts long prompts: bounded count and length, lines kept together.</summary>
public sealed class PromptChunksTests
{
    [Fact]
    public void Short_prompts_are_scored_whole_only() =>
        Assert.Empty(PromptChunks.Split(new string('a', PromptChunks.ChunkLength)));

    [Fact]
    public void Lines_are_packed_up_to_the_chunk_length_and_long_lines_cut_at_sentence_ends()
    {
        var sentence = "This sentence is exactly fifty characters long ok. ";
        var longLine = string.Concat(Enumerable.Repeat(sentence, 10)).Trim();
        var text = "First short line.\nSecond short line.\n" + longLine;
        var chunks = PromptChunks.Split(text);
        Assert.Equal("First short line.\nSecond short line.", chunks[0]);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, PromptChunks.ChunkLength));
        Assert.All(chunks.Skip(1), c => Assert.EndsWith(".", c, StringComparison.Ordinal));
        Assert.Equal(longLine.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(chunks.Skip(1)).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void A_huge_prompt_keeps_only_the_first_and_last_chunks()
    {
        var text = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"paragraph {i:000} " + new string('x', 300)));
        var chunks = PromptChunks.Split(text);
        Assert.Equal(PromptChunks.MaxChunks, chunks.Count);
        Assert.StartsWith("paragraph 000", chunks[0], StringComparison.Ordinal);
        Assert.StartsWith("paragraph 199", chunks[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Text_without_sentence_ends_is_cut_hard_at_the_chunk_length()
    {
        var chunks = PromptChunks.Split(new string('y', 1000));
        Assert.Equal([320, 320, 320, 40], chunks.Select(c => c.Length));
    }
}
