namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// Splits a long prompt into chunks for the contrastive method: an attack is often a paragraph inside a long
/// role-play or a pasted document, and a short example pattern is only comparable with text of similar length.
/// Paragraphs (lines) are packed together up to <see cref="ChunkLength"/> characters; a longer paragraph is cut at
/// sentence ends. Bounded so a huge prompt cannot multiply the embedding cost.
/// </summary>
internal static class PromptChunks
{
    /// <summary>Prompts up to this many characters are scored whole only.</summary>
    internal const int ChunkLength = 320;

    /// <summary>Most chunks per prompt: the first and last halves of this count (attacks sit at the start or the end).</summary>
    internal const int MaxChunks = 16;

    public static IReadOnlyList<string> Split(string text)
    {
        if (text.Length <= ChunkLength)
        {
            return [];
        }

        var chunks = new List<string>();
        var packed = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (packed.Length > 0 && packed.Length + 1 + line.Length > ChunkLength)
            {
                chunks.Add(packed.ToString());
                packed.Clear();
            }

            if (line.Length > ChunkLength)
            {
                CutSentences(line, chunks);
                continue;
            }

            packed.Append(packed.Length > 0 ? "\n" : string.Empty).Append(line);
        }

        if (packed.Length > 0)
        {
            chunks.Add(packed.ToString());
        }

        if (chunks.Count <= MaxChunks)
        {
            return chunks;
        }

        return [.. chunks.Take(MaxChunks / 2), .. chunks.Skip(chunks.Count - (MaxChunks / 2))];
    }

    /// <summary>Windows of at most <see cref="ChunkLength"/> characters, cut at the last sentence end inside each.</summary>
    private static void CutSentences(string paragraph, List<string> chunks)
    {
        var start = 0;
        var lastBreak = -1;
        for (var i = 0; i < paragraph.Length; i++)
        {
            if (paragraph[i] is '.' or '!' or '?' or ';' or ':')
            {
                lastBreak = i + 1;
            }

            if (i - start + 1 >= ChunkLength)
            {
                var end = lastBreak > start ? lastBreak : i + 1;
                Add(chunks, paragraph[start..end]);
                start = end;
                lastBreak = -1;
            }
        }

        Add(chunks, paragraph[start..]);
    }

    private static void Add(List<string> chunks, string chunk)
    {
        chunk = chunk.Trim();
        if (chunk.Length > 0)
        {
            chunks.Add(chunk);
        }
    }
}
