namespace SemanticRouter.Async.HaluGate;

/// <summary>What the grounding text (context plus the user's question) says, indexed for claim lookups.</summary>
internal sealed class GroundingIndex
{
    private static readonly Dictionary<string, double> NumberWords = new(StringComparer.Ordinal)
    {
        ["zero"] = 0,
        ["one"] = 1,
        ["two"] = 2,
        ["three"] = 3,
        ["four"] = 4,
        ["five"] = 5,
        ["six"] = 6,
        ["seven"] = 7,
        ["eight"] = 8,
        ["nine"] = 9,
        ["ten"] = 10,
        ["eleven"] = 11,
        ["twelve"] = 12,
        ["thirteen"] = 13,
        ["fourteen"] = 14,
        ["fifteen"] = 15,
        ["sixteen"] = 16,
        ["seventeen"] = 17,
        ["eighteen"] = 18,
        ["nineteen"] = 19,
        ["twenty"] = 20,
        ["dozen"] = 12,
        ["hundred"] = 100,
        ["half"] = 50,
        ["once"] = 1,
        ["twice"] = 2,
        ["single"] = 1,
        ["double"] = 2,
        ["triple"] = 3,
    };

    public GroundingIndex(string context, string question)
    {
        Context = context;
        Text = context + "\n" + question;
        Numbers = ClaimExtractor.Numbers(Text);
        var words = ClaimExtractor.Words(Text).ToList();
        WordList = words;
        foreach (var (w, index) in words)
        {
            WordSet.Add(w);
            Stems.Add(ClaimExtractor.Stem(w));
            if (NumberWords.TryGetValue(w, out var v))
            {
                Numbers.Add(new Claim(index, index + w.Length, Text.Substring(index, w.Length), "number", v, 1));
            }
        }

        Lowercase = new HashSet<string>(ClaimExtractor.Words(LowercaseOnly(Text)).Select(w => w.Word), StringComparer.Ordinal);
        Entities = ClaimExtractor.Entities(Text, Lowercase.Contains);
        Normalized = " " + string.Join(' ', words.Select(w => w.Word)) + " ";
    }

    /// <summary>The context alone (explanations quote it, not the question).</summary>
    public string Context { get; }

    /// <summary>Context and question, in which offsets of the lists below are given.</summary>
    public string Text { get; }

    public List<Claim> Numbers { get; }

    public List<Claim> Entities { get; }

    public List<(string Word, int Index)> WordList { get; }

    public HashSet<string> WordSet { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Stems { get; } = new(StringComparer.Ordinal);

    /// <summary>Words that occur in lower case somewhere (so a capitalised occurrence is just a sentence start).</summary>
    public HashSet<string> Lowercase { get; }

    /// <summary>All words, normalised and space-joined with a leading and trailing space, for phrase search.</summary>
    public string Normalized { get; }

    public bool ContainsPhrase(string normalizedPhrase) =>
        Normalized.Contains(" " + normalizedPhrase + " ", StringComparison.Ordinal);

    /// <summary>Content words within <paramref name="radius"/> words of a character offset.</summary>
    public HashSet<string> Window(int offset, int radius) => WindowOf(WordList, offset, radius);

    public static HashSet<string> WindowOf(List<(string Word, int Index)> words, int offset, int radius)
    {
        var at = words.FindIndex(w => w.Index >= offset);
        if (at < 0)
        {
            at = words.Count;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var k = Math.Max(0, at - radius); k < Math.Min(words.Count, at + radius + 1); k++)
        {
            var w = words[k].Word;
            if (w.Length > 2 && !ClaimExtractor.StopWords.Contains(w) && !char.IsDigit(w[0]))
            {
                set.Add(ClaimExtractor.Stem(w));
            }
        }

        return set;
    }

    private static string LowercaseOnly(string text)
    {
        // Keep only words written entirely in lower case; blank out the rest.
        var chars = text.ToCharArray();
        var start = -1;
        for (var i = 0; i <= chars.Length; i++)
        {
            var letter = i < chars.Length && char.IsLetter(chars[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var hasUpper = false;
                for (var k = start; k < i; k++)
                {
                    hasUpper |= char.IsUpper(chars[k]);
                }

                if (hasUpper)
                {
                    Array.Fill(chars, ' ', start, i - start);
                }

                start = -1;
            }
        }

        return new string(chars);
    }
}
