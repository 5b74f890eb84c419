namespace SemanticRouter.Async.Preference;

/// <summary>The no-model fallback: cosine over content-word unigrams and bigrams (lower-cased, plural 's' stripped).</summary>
internal static class LexicalSimilarity
{
    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "for", "with", "is", "are", "was", "be", "it",
        "this", "that", "i", "me", "my", "you", "your", "we", "please", "can", "could", "would", "do", "does", "as", "at", "by", "so",
    };

    public static Dictionary<string, int> Bag(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var letter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var w = text[start..i].ToLowerInvariant();
                if (w.Length > 3 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal))
                {
                    w = w[..^1];
                }

                if (!Stop.Contains(w))
                {
                    words.Add(w);
                }

                start = -1;
            }
        }

        var bag = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            bag[words[i]] = bag.GetValueOrDefault(words[i]) + 1;
            if (i > 0)
            {
                var bigram = words[i - 1] + " " + words[i];
                bag[bigram] = bag.GetValueOrDefault(bigram) + 1;
            }
        }

        return bag;
    }

    public static double Cosine(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        double dot = 0, na = 0, nb = 0;
        foreach (var (k, v) in a)
        {
            na += v * v;
            if (b.TryGetValue(k, out var w))
            {
                dot += v * w;
            }
        }

        foreach (var v in b.Values)
        {
            nb += v * v;
        }

        return dot / Math.Sqrt(na * nb);
    }
}
